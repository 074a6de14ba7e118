# srinit: a static container init that installs source-based routing.
#   make            build/srinit, static and stripped
#   make test       unit, kernel (network namespaces) and conformance tests, as root
#   make demo       the two-network failure and its fix, in network namespaces
#   make deps       install build and test dependencies (Debian, Ubuntu; as root)

PREFIX ?= /usr/local
DESTDIR ?=
CXX ?= g++
RELEASE := 0.1.0
COMMIT := $(shell git describe --always --dirty 2>/dev/null)
VERSION := $(RELEASE)$(if $(COMMIT), ($(COMMIT)))

BUILD ?= build
export BUILD # for the test and benchmark scripts
DEPS_STAMP := $(BUILD)/.deps-ok
LIBMNL := $(BUILD)/libmnl/libmnl.a

CPPFLAGS += -I. -DSPDLOG_COMPILED_LIB -DFMT_HEADER_ONLY -DSPDLOG_FMT_EXTERNAL -MMD -MP
# No default logger: spdlog would create one with a colour sink at the first log call,
# which setup_logging replaces at once. Without it that sink's code stays out of the binary,
# and each start maps 128 KiB less of it (VmHWM, bench/README.md).
CPPFLAGS += -DSPDLOG_DISABLE_DEFAULT_LOGGER
CXXFLAGS ?= -Os
CXXFLAGS += -std=c++17 -Wall -Wextra -Werror -ffunction-sections -fdata-sections
# A static init's resident memory is mostly its own code, since nearly every 64 KiB of its
# text gets mapped. Link-time optimisation and no RTTI (srinit uses neither dynamic_cast
# nor typeid) take about 60 KB off the binary and its peak memory.
CXXFLAGS += -flto=auto -fno-rtti
STATIC_LDFLAGS := -static -Wl,--gc-sections -s

SHIM_SRC := $(filter-out shim/main.cpp,$(wildcard shim/*.cpp))
NETLINK_SRC := $(wildcard netlink/*.cpp)
LIB_OBJ := $(patsubst %.cpp,$(BUILD)/%.o,$(SHIM_SRC) $(NETLINK_SRC))
MAIN_OBJ := $(BUILD)/shim/main.o
UNIT_OBJ := $(patsubst %.cpp,$(BUILD)/%.o,$(wildcard tests/unit/*.cpp))
HELPER_SRC := $(wildcard tests/conformance/*.cpp tests/kernel/*.cpp)
HELPERS := $(patsubst %.cpp,$(BUILD)/%,$(notdir $(HELPER_SRC)))
BENCH_SRC := $(wildcard bench/*.cpp)
BENCH_HELPERS := $(patsubst bench/%.cpp,$(BUILD)/%,$(BENCH_SRC))

all: $(BUILD)/srinit

$(DEPS_STAMP): scripts/deps.sh scripts/fetch-libmnl.sh
	scripts/deps.sh $(BUILD)
	@mkdir -p $(BUILD) && touch $@

$(LIBMNL): | $(DEPS_STAMP)

# write_if_changed FILE,TEXT writes TEXT to FILE unless FILE holds exactly TEXT already
# (neither may contain "|"), so that FILE's time changes only with its text.
write_if_changed = $(if $(findstring |$(2)|,|$(file <$(1))|),,$(file >$(1),$(2)))

# Every object depends on the command it was compiled with, and options.o, which prints
# the version, on the version, so a change of flags or commit rebuilds what it affects.
$(shell mkdir -p $(BUILD))
$(call write_if_changed,$(BUILD)/compile-command,$(CXX) $(CPPFLAGS) $(CXXFLAGS))
$(call write_if_changed,$(BUILD)/version,$(VERSION))

$(BUILD)/%.o: %.cpp $(BUILD)/compile-command | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/shim/options.o: CPPFLAGS += -DSRINIT_VERSION='"$(VERSION)"'
$(BUILD)/shim/options.o: $(BUILD)/version

$(BUILD)/srinit: $(MAIN_OBJ) $(LIB_OBJ) $(LIBMNL)
	$(CXX) $(CXXFLAGS) $(STATIC_LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB_OBJ) $(LIBMNL)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(LIB_OBJ) $(LIBMNL)
	$(CXX) $(CXXFLAGS) -o $@ $(UNIT_OBJ) $(LIB_OBJ) $(LIBMNL)

$(BUILD)/%: tests/conformance/%.cpp | $(DEPS_STAMP)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -static -o $@ $<

$(BUILD)/%: tests/kernel/%.cpp | $(DEPS_STAMP)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -static -o $@ $<

$(BUILD)/%: bench/%.cpp | $(DEPS_STAMP)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -static -o $@ $<

deps:
	scripts/deps.sh $(BUILD)
	@mkdir -p $(BUILD) && touch $(DEPS_STAMP)

test: $(BUILD)/srinit $(BUILD)/unit-tests $(HELPERS)
	tests/run.sh

test-unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

test-docker: $(BUILD)/srinit
	tests/docker/run.sh

demo: $(BUILD)/srinit
	tests/kernel/demo.sh

bench: $(BUILD)/srinit $(HELPERS) $(BENCH_HELPERS)
	bench/run.sh

install: $(BUILD)/srinit
	install -D -m 0755 $(BUILD)/srinit $(DESTDIR)$(PREFIX)/bin/srinit

clean:
	rm -rf $(BUILD)/obj $(BUILD)/shim $(BUILD)/netlink $(BUILD)/tests $(BUILD)/srinit \
		$(BUILD)/unit-tests $(HELPERS) $(BENCH_HELPERS)

format:
	clang-format -i shim/*.cpp shim/*.hpp netlink/*.cpp netlink/*.hpp tests/unit/*.cpp \
		$(HELPER_SRC)

.PHONY: all deps test test-unit test-docker demo bench install clean format

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
