#!/usr/bin/env bash
# Renders the app icons for Android, iOS and desktop bundles from the brand mark's SVGs
# (web/icons/README.md), with Debian's rsvg-convert (librsvg2-bin) and ImageMagick. The PNGs are
# committed; run this again only when the mark changes:  bash platforms/icons.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUND=public/favicon.svg        # rounded square: desktop icons
BLEED=web/icons/maskable.svg    # full bleed, glyph in the safe zone: Android, iOS (the OS shapes it)
png() { # svg size out
  mkdir -p "$(dirname "$3")"
  rsvg-convert -w "$2" -h "$2" "$1" -o "$3"
  # Two colours and their anti-aliasing: a 16-colour palette keeps each file small.
  convert "$3" -strip -colors 16 -define png:compression-level=9 "$3"
}
opaque() { # iOS refuses an app icon with an alpha channel
  convert "$1" -background '#1f5fa8' -alpha remove -alpha off "$1"
}

# Android launcher icons (res/mipmap-*), 48 dp at each density, and the store listing's 512.
A=platforms/android/res
for d in mdpi:48 hdpi:72 xhdpi:96 xxhdpi:144 xxxhdpi:192; do
  png "$BLEED" "${d#*:}" "$A/mipmap-${d%%:*}/ic_launcher.png"
done
png "$BLEED" 512 platforms/android/play-store-512.png

# iOS: one AppIcon set (Xcode 14+ needs only 1024, older Xcode and iPads each size).
I=platforms/ios/Assets.xcassets/AppIcon.appiconset
for s in 20 29 40 58 60 76 80 87 120 152 167 180 1024; do
  png "$BLEED" "$s" "$I/icon-$s.png"
  opaque "$I/icon-$s.png"
done

# Desktop bundles (dx bundle: .deb/.AppImage, macOS .icns built from the PNGs, Windows .ico).
D=platforms/desktop
for s in 32 128 256 512; do png "$ROUND" "$s" "$D/icon-$s.png"; done
convert "$D/icon-256.png" -define icon:auto-resize=256,48,32,16 "$D/icon.ico"
ls -l "$A"/*/ "$I" "$D" | awk '{print $5, $9}'
