//! Whether the device is online, and whether its network is metered (mobile data, a phone's
//! hotspot) or not (Wi‑Fi, Ethernet), as far as the platform can tell. The sync service asks
//! before a round; downloads ask before starting one ("over Wi‑Fi only").
//!
//! - Web: `navigator.onLine`; metered from `navigator.connection` (the Network Information
//!   API: Chrome on Android tells `type` "cellular" and `saveData`; other browsers tell nothing).
//! - Android: `ConnectivityManager`'s active network and its capabilities (`INTERNET`,
//!   `NOT_METERED`); needs `ACCESS_NETWORK_STATE` (platforms/android).
//! - iOS: SystemConfiguration's reachability of the default route (`system-configuration`):
//!   online or not, metered on a cellular link. (Network.framework's `nw_path_monitor` would
//!   also tell Low Data Mode, but needs `unsafe` FFI, which the workspace forbids.)
//! - Desktop and headless builds cannot tell cheaply: unknown (`None`), so every attempt is made
//!   and its failure says offline.

/// What the platform knows of the network now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Network {
    /// `Some(false)`: the system says there is no network; `None`: it cannot tell.
    pub online: Option<bool>,
    /// `Some(true)`: mobile data or another metered link; `None`: it cannot tell.
    pub metered: Option<bool>,
}

impl Network {
    /// Worth trying the network: not known to be offline.
    pub fn may_be_online(self) -> bool {
        self.online != Some(false)
    }

    /// May a download start now? Not when known offline, nor on a known metered link when the
    /// learner asked for Wi‑Fi only (an unknown link is taken as unmetered: desktops, mostly).
    pub fn allows_download(self, wifi_only: bool) -> bool {
        self.may_be_online() && !(wifi_only && self.metered == Some(true))
    }
}

/// The network as the platform sees it now.
pub fn network() -> Network {
    imp::network()
}

/// A script that sends `true` the moment the platform says it lost the network (the browser's
/// `offline` event), and at once if it has none as the app starts: the sync state turns
/// offline then rather than at the next failed request. `None` where nothing says so at once.
#[cfg(feature = "web")]
pub const WENT_OFFLINE: Option<&str> = Some(
    "window.addEventListener('offline', () => dioxus.send(true)); \
     if (!navigator.onLine) dioxus.send(true);",
);
#[cfg(not(feature = "web"))]
pub const WENT_OFFLINE: Option<&str> = None;

#[cfg(feature = "web")]
mod imp {
    use super::Network;
    use wasm_bindgen::JsValue;

    pub(super) fn network() -> Network {
        let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
            return Network::default();
        };
        let online = Some(navigator.on_line());
        // `navigator.connection` is not in every browser: read it loosely.
        let get = |target: &JsValue, key: &str| js_sys::Reflect::get(target, &key.into()).ok();
        let metered = get(&navigator, "connection")
            .filter(|c| c.is_object())
            .and_then(|c| {
                let cellular = get(&c, "type")?.as_string().map(|t| t == "cellular");
                let save_data = get(&c, "saveData").and_then(|s| s.as_bool()) == Some(true);
                if save_data { Some(true) } else { cellular }
            });
        Network { online, metered }
    }
}

#[cfg(all(not(feature = "web"), feature = "mobile", target_os = "android"))]
mod imp {
    use super::Network;
    use jni::objects::JValue;

    // android.net.NetworkCapabilities
    const NET_CAPABILITY_NOT_METERED: i32 = 11;
    const NET_CAPABILITY_INTERNET: i32 = 12;

    pub(super) fn network() -> Network {
        let asked = robius_android_env::with_activity(|env, context| {
            let answer = (|| {
                let name = env.new_string("connectivity")?; // Context.CONNECTIVITY_SERVICE
                let manager = env
                    .call_method(
                        context,
                        "getSystemService",
                        "(Ljava/lang/String;)Ljava/lang/Object;",
                        &[JValue::Object(&name)],
                    )?
                    .l()?;
                let active = env
                    .call_method(&manager, "getActiveNetwork", "()Landroid/net/Network;", &[])?
                    .l()?;
                if active.is_null() {
                    return Ok(Network {
                        online: Some(false),
                        metered: None,
                    });
                }
                let caps = env
                    .call_method(
                        &manager,
                        "getNetworkCapabilities",
                        "(Landroid/net/Network;)Landroid/net/NetworkCapabilities;",
                        &[JValue::Object(&active)],
                    )?
                    .l()?;
                if caps.is_null() {
                    return Ok(Network {
                        online: Some(false),
                        metered: None,
                    });
                }
                let mut has = |capability: i32| {
                    env.call_method(&caps, "hasCapability", "(I)Z", &[JValue::Int(capability)])
                        .and_then(|v| v.z())
                };
                Ok::<_, jni::errors::Error>(Network {
                    online: Some(has(NET_CAPABILITY_INTERNET)?),
                    metered: Some(!has(NET_CAPABILITY_NOT_METERED)?),
                })
            })();
            if env.exception_check().unwrap_or(false) {
                let _ = env.exception_clear();
            }
            answer
        });
        match asked {
            Ok(Ok(network)) => network,
            // Without an answer, behave as a desktop does: try, and let a failure say offline.
            _ => Network::default(),
        }
    }
}

/// The network as iOS's reachability flags tell it for the default route (what Apple's
/// Reachability sample asks): online when reachable without first making a connection, unknown
/// when a connection would be made on demand, offline otherwise; metered on a cellular link
/// (`IS_WWAN`).
#[cfg_attr(not(all(feature = "mobile", target_os = "ios")), allow(dead_code))]
fn from_reachability(reachable: bool, connection_required: bool, cellular: bool) -> Network {
    match (reachable, connection_required) {
        (true, false) => Network {
            online: Some(true),
            metered: Some(cellular),
        },
        (true, true) => Network::default(),
        (false, _) => Network {
            online: Some(false),
            metered: None,
        },
    }
}

#[cfg(all(not(feature = "web"), feature = "mobile", target_os = "ios"))]
mod imp {
    //! SystemConfiguration's `SCNetworkReachability` for the zero address (the default route),
    //! through the `system-configuration` crate's safe wrapper: a synchronous, local question
    //! (no lookup, no traffic), cheap enough to ask before each round.
    use super::Network;
    use system_configuration::network_reachability::{ReachabilityFlags, SCNetworkReachability};

    pub(super) fn network() -> Network {
        let route = SCNetworkReachability::from(std::net::SocketAddr::from(([0, 0, 0, 0], 0)));
        match route.reachability() {
            Ok(flags) => super::from_reachability(
                flags.contains(ReachabilityFlags::REACHABLE),
                flags.contains(ReachabilityFlags::CONNECTION_REQUIRED),
                flags.contains(ReachabilityFlags::IS_WWAN),
            ),
            // Without an answer, behave as a desktop does: try, and let a failure say offline.
            Err(_) => Network::default(),
        }
    }
}

#[cfg(not(any(
    feature = "web",
    all(feature = "mobile", any(target_os = "android", target_os = "ios"))
)))]
mod imp {
    pub(super) fn network() -> super::Network {
        super::Network::default()
    }
}

#[cfg(test)]
mod tests {
    use super::{Network, from_reachability};

    #[test]
    fn ios_reachability_reads_as_online_and_metered() {
        let wifi = from_reachability(true, false, false);
        assert_eq!((wifi.online, wifi.metered), (Some(true), Some(false)));
        assert_eq!(
            from_reachability(true, false, true).metered,
            Some(true),
            "cellular"
        );
        assert_eq!(from_reachability(false, false, false).online, Some(false));
        assert_eq!(
            from_reachability(true, true, false),
            Network::default(),
            "a connection on demand: unknown"
        );
    }

    #[test]
    fn downloads_wait_for_an_unmetered_link_only_when_asked() {
        let wifi = Network {
            online: Some(true),
            metered: Some(false),
        };
        let mobile = Network {
            online: Some(true),
            metered: Some(true),
        };
        let unknown = Network::default();
        let offline = Network {
            online: Some(false),
            metered: None,
        };
        assert!(wifi.allows_download(true));
        assert!(!mobile.allows_download(true));
        assert!(mobile.allows_download(false));
        assert!(
            unknown.allows_download(true),
            "a desktop that cannot tell still downloads"
        );
        assert!(!offline.allows_download(false));
        assert!(!offline.may_be_online());
        assert!(unknown.may_be_online());
    }
}
