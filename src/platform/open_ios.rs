//! iOS: a kept certificate shown by Quick Look, through UIKit's document interaction controller:
//! the system's full-screen PDF viewer, with its own share button (Files, Books, print, AirDrop).
//!
//! The controller asks its delegate which view controller to present from; ours answers with the
//! top of the key window's stack. UIKit holds both the controller and its delegate weakly while
//! the preview is up, so the last pair shown is kept here until the next one replaces it.

use std::cell::RefCell;
use std::path::Path;

use juko_core::{Error, Result};
use objc2::rc::Retained;
use objc2::runtime::ProtocolObject;
use objc2::{DefinedClass, MainThreadMarker, MainThreadOnly, define_class, msg_send};
use objc2_foundation::{NSObject, NSObjectProtocol, NSURL};
use objc2_ui_kit::{
    UIApplication, UIDocumentInteractionController, UIDocumentInteractionControllerDelegate,
    UIViewController,
};

use super::PdfShown;

define_class!(
    // SAFETY: NSObject has no subclassing requirements, and `Preview` implements no `Drop`.
    #[unsafe(super(NSObject))]
    #[thread_kind = MainThreadOnly]
    #[name = "JukoCertificatePreview"]
    #[ivars = Retained<UIViewController>]
    struct Preview;

    unsafe impl NSObjectProtocol for Preview {}

    unsafe impl UIDocumentInteractionControllerDelegate for Preview {
        #[unsafe(method_id(documentInteractionControllerViewControllerForPreview:))]
        fn presenter(
            &self,
            _controller: &UIDocumentInteractionController,
        ) -> Retained<UIViewController> {
            self.ivars().clone()
        }
    }
);

impl Preview {
    // The workspace's one unsafe block (a tidy test keeps it so): Objective-C's `init` on the
    // superclass has no safe binding for a class defined here.
    #[allow(unsafe_code)]
    fn new(presenter: Retained<UIViewController>, mtm: MainThreadMarker) -> Retained<Self> {
        let this = Self::alloc(mtm).set_ivars(presenter);
        // SAFETY: NSObject's designated initialiser, called once on a fresh allocation.
        unsafe { msg_send![super(this), init] }
    }
}

thread_local! {
    /// The preview on screen (or last shown): UIKit only holds it weakly.
    static SHOWN: RefCell<Option<(Retained<UIDocumentInteractionController>, Retained<Preview>)>> =
        const { RefCell::new(None) };
}

/// Shows the kept PDF at `path` in Quick Look. Runs on the main thread (Dioxus's event handlers
/// do); anywhere else it is refused rather than touching UIKit off its thread.
pub(super) fn open_pdf(path: &Path) -> Result<PdfShown> {
    let mtm = MainThreadMarker::new()
        .ok_or_else(|| Error::Storage("the certificate viewer needs the main thread".into()))?;
    let url = NSURL::from_file_path(path)
        .ok_or_else(|| Error::Storage(format!("not a file path: {}", path.display())))?;
    let presenter = top_view_controller(mtm)
        .ok_or_else(|| Error::Storage("no window to show the certificate in".into()))?;
    let controller = UIDocumentInteractionController::interactionControllerWithURL(&url, mtm);
    let delegate = Preview::new(presenter, mtm);
    controller.setDelegate(Some(ProtocolObject::from_ref(&*delegate)));
    if !controller.presentPreviewAnimated(true) {
        return Err(Error::Storage(
            "Quick Look cannot show the certificate".into(),
        ));
    }
    SHOWN.with(|shown| *shown.borrow_mut() = Some((controller, delegate)));
    Ok(PdfShown::Shown)
}

/// The view controller on top of the key window: a preview presented from one that is itself
/// covered would not appear.
fn top_view_controller(mtm: MainThreadMarker) -> Option<Retained<UIViewController>> {
    // `keyWindow` is deprecated for multi-window iPad apps; Juko has one window.
    #[allow(deprecated)]
    let window = UIApplication::sharedApplication(mtm).keyWindow()?;
    let mut top = window.rootViewController()?;
    while let Some(next) = top.presentedViewController() {
        top = next;
    }
    Some(top)
}
