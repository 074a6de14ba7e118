// spdlog's implementation, compiled once in this file. Debian ships spdlog as headers plus a
// shared library only, and a static srinit needs the code linked in. Every other file
// includes spdlog with SPDLOG_COMPILED_LIB (set in the Makefile), which keeps the
// implementation out of its headers, so each of those files compiles in about half the time.
#include <spdlog/common-inl.h>
#include <spdlog/details/backtracer-inl.h>
#include <spdlog/details/log_msg-inl.h>
#include <spdlog/details/log_msg_buffer-inl.h>
#include <spdlog/details/os-inl.h>
#include <spdlog/details/periodic_worker-inl.h>
#include <spdlog/details/registry-inl.h>
#include <spdlog/logger-inl.h>
#include <spdlog/pattern_formatter-inl.h>
#include <spdlog/sinks/base_sink-inl.h>
#include <spdlog/sinks/sink-inl.h>
#include <spdlog/sinks/stdout_sinks-inl.h>
#include <spdlog/spdlog-inl.h>

// The sink template that srinit uses: stderr_sink_st in shim/log.cpp. There is no default
// logger (SPDLOG_DISABLE_DEFAULT_LOGGER in the Makefile), so nothing may log before
// setup_logging.
template class spdlog::sinks::stdout_sink_base<spdlog::details::console_nullmutex>;
template class spdlog::sinks::stderr_sink<spdlog::details::console_nullmutex>;
