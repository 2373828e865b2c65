//! Whether the device is online, and whether its network is metered (mobile data, a phone's
//! hotspot) or not (Wi‑Fi, Ethernet), as far as the platform can tell. The sync service asks
//! before a round; downloads ask before starting one ("over Wi‑Fi only").
//!
//! - Web: `navigator.onLine`; metered from `navigator.connection` (the Network Information
//!   API: Chrome on Android tells `type` "cellular" and `saveData`; other browsers tell nothing).
//! - Android: `ConnectivityManager`'s active network and its capabilities (`INTERNET`,
//!   `NOT_METERED`); needs `ACCESS_NETWORK_STATE` (platforms/android).
//! - Desktop, iOS and headless builds cannot tell cheaply: unknown (`None`), so every attempt
//!   is made and its failure says offline. (iOS could ask `NWPathMonitor`; not built yet.)

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

#[cfg(not(any(feature = "web", all(feature = "mobile", target_os = "android"))))]
mod imp {
    pub(super) fn network() -> super::Network {
        super::Network::default()
    }
}

#[cfg(test)]
mod tests {
    use super::Network;

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
