//! Certificates (修了証): one per unit, earned when its lectures are complete and its test is
//! passed, valid for a time (ICRweb: one year from the issue date).

use serde::{Deserialize, Serialize};

use crate::{CourseId, LectureId, UnitId};

/// How many days before its expiry a certificate counts as "expiring soon".
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

const DAY: i64 = 86_400;

/// A unit's certificate as this learner has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The certificate activity (its course-module id).
    pub id: LectureId,
    pub course_id: CourseId,
    pub course_name: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    /// The activity's name on the site.
    pub name: String,
    pub state: CertificateState,
    /// Where the site serves this learner's PDF (without credentials), when it serves one.
    pub pdf_url: Option<String>,
}

// Kept as a plain record (`{missing, issue}`): an enum's JSON reader costs the web bundle more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StateRecord", into = "StateRecord")]
pub enum CertificateState {
    /// Not earned yet: what is missing, in the site's words (HTML).
    Locked {
        missing: String,
    },
    /// Earned, not issued yet: the site issues it when the PDF is first fetched.
    Available,
    Issued(Issue),
}

#[derive(Clone, Default, Serialize, Deserialize)]
struct StateRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    missing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issue: Option<Issue>,
}

impl From<StateRecord> for CertificateState {
    fn from(record: StateRecord) -> CertificateState {
        match (record.missing, record.issue) {
            (_, Some(issue)) => CertificateState::Issued(issue),
            (Some(missing), None) => CertificateState::Locked { missing },
            (None, None) => CertificateState::Available,
        }
    }
}

impl From<CertificateState> for StateRecord {
    fn from(state: CertificateState) -> StateRecord {
        match state {
            CertificateState::Locked { missing } => StateRecord {
                missing: Some(missing),
                issue: None,
            },
            CertificateState::Available => StateRecord::default(),
            CertificateState::Issued(issue) => StateRecord {
                missing: None,
                issue: Some(issue),
            },
        }
    }
}

/// An issued certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Unix seconds.
    pub issued_at: i64,
    /// Unix seconds; `None` when the certificate does not expire.
    pub expires: Option<i64>,
    /// The verification code, when the site tells it (it is always printed on the PDF).
    pub code: Option<String>,
}

/// Whether an issued certificate still counts, by the device's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    Valid,
    /// Expires within [`EXPIRING_WITHIN_DAYS`]; `days_left` rounds up (0 = expires today).
    ExpiringSoon {
        days_left: i64,
    },
    Expired,
}

impl Issue {
    pub fn validity(&self, now: i64) -> Validity {
        let Some(expires) = self.expires else {
            return Validity::Valid;
        };
        if now >= expires {
            Validity::Expired
        } else if expires - now <= EXPIRING_WITHIN_DAYS * DAY {
            Validity::ExpiringSoon {
                days_left: (expires - now) / DAY,
            }
        } else {
            Validity::Valid
        }
    }
}

impl Certificate {
    pub fn issue(&self) -> Option<&Issue> {
        match &self.state {
            CertificateState::Issued(issue) => Some(issue),
            _ => None,
        }
    }

    /// `None` unless issued.
    pub fn validity(&self, now: i64) -> Option<Validity> {
        self.issue().map(|issue| issue.validity(now))
    }
}

/// The same time of day `years` later on the calendar of a zone `utc_offset` seconds east of
/// UTC, as PHP's `strtotime("+N years")` counts: 29 February rolls over to 1 March.
pub fn years_later(unix: i64, years: i64, utc_offset: i64) -> i64 {
    let local = unix + utc_offset;
    let (days, secs) = (local.div_euclid(DAY), local.rem_euclid(DAY));
    let (y, m, d) = civil_from_days(days);
    let target_year = y + years;
    let target_days = if m == 2 && d == 29 && !is_leap(target_year) {
        days_from_civil(target_year, 3, 1)
    } else {
        days_from_civil(target_year, m, d)
    };
    target_days * DAY + secs - utc_offset
}

/// The calendar date (year, month, day) of `unix` in a zone `utc_offset` seconds east of UTC.
pub fn calendar_date(unix: i64, utc_offset: i64) -> (i64, u32, u32) {
    civil_from_days((unix + utc_offset).div_euclid(DAY))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

// Howard Hinnant's civil-date algorithms (days since 1970-01-01 ↔ proleptic Gregorian date).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const JST: i64 = 9 * 3600;

    #[test]
    fn one_year_later_is_the_same_date() {
        // 2026-11-29 10:00 JST
        let issued = days_from_civil(2026, 11, 29) * DAY - JST + 10 * 3600;
        assert_eq!(calendar_date(issued, JST), (2026, 11, 29));
        let expires = years_later(issued, 1, JST);
        assert_eq!(calendar_date(expires, JST), (2027, 11, 29));
        assert_eq!(expires - issued, 365 * DAY);
        // Across a leap day: 2027-03-01 → 2028-03-01 is 366 days.
        let march = days_from_civil(2027, 3, 1) * DAY - JST + 3600;
        assert_eq!(calendar_date(march, JST), (2027, 3, 1));
        assert_eq!(years_later(march, 1, JST) - march, 366 * DAY);
    }

    #[test]
    fn leap_day_rolls_over_to_the_first_of_march() {
        let leap = days_from_civil(2028, 2, 29) * DAY - JST + 3600;
        assert_eq!(calendar_date(leap, JST), (2028, 2, 29));
        assert_eq!(calendar_date(years_later(leap, 1, JST), JST), (2029, 3, 1));
        assert_eq!(calendar_date(years_later(leap, 4, JST), JST), (2032, 2, 29));
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn states_keep_and_read_back() {
        for state in [
            CertificateState::Locked {
                missing: "x".into(),
            },
            CertificateState::Available,
            CertificateState::Issued(Issue {
                issued_at: 1,
                expires: Some(2),
                code: Some("c".into()),
            }),
        ] {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(
                serde_json::from_str::<CertificateState>(&json).unwrap(),
                state
            );
        }
    }

    #[test]
    fn validity_by_the_clock() {
        let issue = Issue {
            issued_at: 0,
            expires: Some(100 * DAY),
            code: None,
        };
        assert_eq!(issue.validity(0), Validity::Valid);
        assert_eq!(issue.validity(69 * DAY), Validity::Valid);
        assert_eq!(
            issue.validity(70 * DAY),
            Validity::ExpiringSoon { days_left: 30 }
        );
        assert_eq!(
            issue.validity(100 * DAY - 1),
            Validity::ExpiringSoon { days_left: 0 }
        );
        assert_eq!(issue.validity(100 * DAY), Validity::Expired);
        let forever = Issue {
            expires: None,
            ..issue
        };
        assert_eq!(forever.validity(i64::MAX / 2), Validity::Valid);
    }
}
