#pragma once
// The I/O priority ABI of ioprio_set(2) and ioprio_get(2), with the kernel header's names. Written out here
// because <linux/ioprio.h> of linux-libc-dev 6.1.192 (a Debian 12 point update) names a parameter `class`
// and no longer compiles as C++.
enum { IOPRIO_CLASS_NONE = 0, IOPRIO_CLASS_RT = 1, IOPRIO_CLASS_BE = 2, IOPRIO_CLASS_IDLE = 3 };
enum { IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_PGRP = 2, IOPRIO_WHO_USER = 3 };

constexpr int IOPRIO_PRIO_VALUE(int io_class, int level) { return (io_class << 13) | level; }
