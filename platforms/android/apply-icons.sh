#!/usr/bin/env bash
# dx 0.7.10 writes its own launcher icons (the Dioxus logo) into the Android project it generates
# and has no setting to change them. This puts Juko's (platforms/android/res) in their place; then
# build the APK again with that project's Gradle (platforms/README.md). Usage after
# `dx build --platform android [--release]`:  bash platforms/android/apply-icons.sh [debug|release]
set -euo pipefail
cd "$(dirname "$0")/../.."
RES=target/dx/juko/${1:-debug}/android/app/app/src/main/res
[ -d "$RES" ] || { echo "no $RES: run dx build --platform android first" >&2; exit 1; }
# Same resource name in another format, or the adaptive icon (API 26+), would win over ours.
rm -f "$RES"/mipmap-*/ic_launcher.webp "$RES"/mipmap-anydpi-v26/ic_launcher.xml
cp -r platforms/android/res/. "$RES"/
echo "icons in $RES"
