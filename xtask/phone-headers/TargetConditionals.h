/* A stand-in for Apple's TargetConditionals.h (an iPhone, not the simulator), only for
 * `cargo xtask test`'s phone check, which compiles the C parts (ring, SQLite) for
 * aarch64-apple-ios without Xcode so that the Rust around them can be type-checked. The objects
 * are never linked or run; see phone_check_with_c in xtask/src/test.rs. */
#ifndef JUKO_STAND_IN_TARGET_CONDITIONALS_H
#define JUKO_STAND_IN_TARGET_CONDITIONALS_H
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 0
#define TARGET_OS_IPHONE 1
#define TARGET_OS_IOS 1
#define TARGET_OS_MACCATALYST 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_VISION 0
#define TARGET_OS_SIMULATOR 0
#define TARGET_OS_EMBEDDED 1
#define TARGET_CPU_ARM64 1
#define TARGET_RT_LITTLE_ENDIAN 1
#define TARGET_RT_64_BIT 1
#endif
