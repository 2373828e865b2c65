//! Android: a kept certificate PDF shown by the learner's PDF app.
//!
//! Another app cannot read the app's private files, and a `file://` URI is refused
//! (`FileUriExposedException`). A `FileProvider` would need an XML resource (`res/xml`) that
//! `dx` 0.7.10 has no way to add to the Android project it generates, so the PDF is shared the
//! way Android 10+ offers without any permission: a copy in the shared Downloads collection
//! (`MediaStore.Downloads`, `Download/Juko/`, where a learner expects a certificate anyway),
//! opened with an `ACTION_VIEW` intent on its `content://` URI. An earlier copy of the same
//! file made by the app is replaced, not duplicated. Android 7–9 (API 24–28): `KeptOnly`.

use super::PdfShown;
use jni::JNIEnv;
use jni::objects::{JObject, JValue};
use juko_core::{Error, Result};
use std::path::Path;

const FLAG_GRANT_READ_URI_PERMISSION: i32 = 0x0000_0001;
const FLAG_ACTIVITY_NEW_TASK: i32 = 0x1000_0000;
const SHARED_DIR: &str = "Download/Juko/";
const PDF: &str = "application/pdf";

type Jni<T> = jni::errors::Result<T>;

pub(super) fn open_pdf(_kept: &Path, pdf: &[u8], filename: &str) -> Result<PdfShown> {
    let outcome = robius_android_env::with_activity(|env, activity| {
        let shown = show(env, activity, pdf, filename);
        // A Java exception (no PDF app, storage refused) must not stay pending.
        if env.exception_check().unwrap_or(false) {
            let _ = env.exception_clear();
        }
        shown
    });
    match outcome {
        Ok(Ok(shown)) => Ok(shown),
        Ok(Err(e)) => Err(Error::Storage(format!(
            "no app on this device showed the PDF ({e})"
        ))),
        Err(e) => Err(Error::Storage(format!("Android did not answer ({e})"))),
    }
}

fn show(env: &mut JNIEnv<'_>, activity: &JObject<'_>, pdf: &[u8], filename: &str) -> Jni<PdfShown> {
    let sdk = env
        .get_static_field("android/os/Build$VERSION", "SDK_INT", "I")?
        .i()?;
    if sdk < 29 {
        return Ok(PdfShown::KeptOnly);
    }
    let uri = shared_copy(env, activity, pdf, filename)?;
    let action = env.new_string("android.intent.action.VIEW")?;
    let intent = env.new_object(
        "android/content/Intent",
        "(Ljava/lang/String;)V",
        &[JValue::Object(&action)],
    )?;
    let mime = env.new_string(PDF)?;
    env.call_method(
        &intent,
        "setDataAndType",
        "(Landroid/net/Uri;Ljava/lang/String;)Landroid/content/Intent;",
        &[JValue::Object(&uri), JValue::Object(&mime)],
    )?;
    env.call_method(
        &intent,
        "addFlags",
        "(I)Landroid/content/Intent;",
        &[JValue::Int(
            FLAG_GRANT_READ_URI_PERMISSION | FLAG_ACTIVITY_NEW_TASK,
        )],
    )?;
    env.call_method(
        activity,
        "startActivity",
        "(Landroid/content/Intent;)V",
        &[JValue::Object(&intent)],
    )?;
    Ok(PdfShown::Shown)
}

/// Writes the PDF into `Download/Juko/` and returns its `content://` URI.
fn shared_copy<'l>(
    env: &mut JNIEnv<'l>,
    activity: &JObject<'_>,
    pdf: &[u8],
    filename: &str,
) -> Jni<JObject<'l>> {
    let resolver = env
        .call_method(
            activity,
            "getContentResolver",
            "()Landroid/content/ContentResolver;",
            &[],
        )?
        .l()?;
    let downloads = env
        .get_static_field(
            "android/provider/MediaStore$Downloads",
            "EXTERNAL_CONTENT_URI",
            "Landroid/net/Uri;",
        )?
        .l()?;
    forget_earlier_copy(env, &resolver, &downloads, filename);
    let values = env.new_object("android/content/ContentValues", "()V", &[])?;
    for (column, value) in [
        ("_display_name", filename),
        ("mime_type", PDF),
        ("relative_path", SHARED_DIR),
    ] {
        let column = env.new_string(column)?;
        let value = env.new_string(value)?;
        env.call_method(
            &values,
            "put",
            "(Ljava/lang/String;Ljava/lang/String;)V",
            &[JValue::Object(&column), JValue::Object(&value)],
        )?;
    }
    let uri = env
        .call_method(
            &resolver,
            "insert",
            "(Landroid/net/Uri;Landroid/content/ContentValues;)Landroid/net/Uri;",
            &[JValue::Object(&downloads), JValue::Object(&values)],
        )?
        .l()?;
    if uri.is_null() {
        return Err(jni::errors::Error::NullPtr("MediaStore refused the copy"));
    }
    let stream = env
        .call_method(
            &resolver,
            "openOutputStream",
            "(Landroid/net/Uri;)Ljava/io/OutputStream;",
            &[JValue::Object(&uri)],
        )?
        .l()?;
    let bytes = env.byte_array_from_slice(pdf)?;
    env.call_method(&stream, "write", "([B)V", &[JValue::Object(&bytes)])?;
    env.call_method(&stream, "close", "()V", &[])?;
    Ok(uri)
}

/// Removes the app's earlier copy of this file, so opening again does not pile up copies.
/// The app may delete only what it inserted; anything else is left (and the exception cleared).
fn forget_earlier_copy(
    env: &mut JNIEnv<'_>,
    resolver: &JObject<'_>,
    downloads: &JObject<'_>,
    filename: &str,
) {
    let deleted = (|| {
        let filter = env.new_string("_display_name = ? AND relative_path = ?")?;
        let args = env.new_object_array(2, "java/lang/String", JObject::null())?;
        let name = env.new_string(filename)?;
        let dir = env.new_string(SHARED_DIR)?;
        env.set_object_array_element(&args, 0, name)?;
        env.set_object_array_element(&args, 1, dir)?;
        env.call_method(
            resolver,
            "delete",
            "(Landroid/net/Uri;Ljava/lang/String;[Ljava/lang/String;)I",
            &[
                JValue::Object(downloads),
                JValue::Object(&filter),
                JValue::Object(&args),
            ],
        )
        .map(|_| ())
    })();
    if deleted.is_err() && env.exception_check().unwrap_or(false) {
        let _ = env.exception_clear();
    }
}
