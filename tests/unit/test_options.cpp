#include "shim/option_values.hpp"
#include "shim/options.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>

#include <map>
#include <string>
#include <vector>

using srinit::LogLevel;
using srinit::ParseResult;

namespace {

using Variables = std::map<std::string, std::string>;

ParseResult parse(std::vector<std::string> arguments, const Variables& variables = {}) {
    arguments.insert(arguments.begin(), "srinit");
    std::vector<const char*> argv;
    for (const std::string& argument : arguments) {
        argv.push_back(argument.c_str());
    }
    argv.push_back(nullptr);
    auto environment = [&](const char* name) -> const char* {
        auto found = variables.find(name);
        return found == variables.end() ? nullptr : found->second.c_str();
    };
    return srinit::parse_options(int(arguments.size()), argv.data(), environment);
}

// Parses input that must be accepted and returns its options.
srinit::Options accept(std::vector<std::string> arguments, const Variables& variables = {}) {
    ParseResult result = parse(std::move(arguments), variables);
    INFO("error: ", result.error);
    REQUIRE(result.options.has_value());
    CHECK(result.exit_status == 0);
    CHECK(result.error.empty());
    return *result.options;
}

// Parses input that must be rejected and returns the error message.
std::string reject(std::vector<std::string> arguments, const Variables& variables = {}) {
    ParseResult result = parse(std::move(arguments), variables);
    CHECK_FALSE(result.options.has_value());
    CHECK(result.exit_status == 2);
    CHECK(result.output.empty());
    CHECK(result.error.find('\n') == std::string::npos);
    return result.error;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("options") {
    TEST_CASE("defaults") {
        srinit::Options options = accept({"--", "app"});
        CHECK(options.plan.table_base == 1000);
        CHECK(options.plan.rule_priority == 1000);
        CHECK(options.plan.gateways.empty());
        CHECK(options.plan.exclude.empty());
        CHECK(options.plan.guess);
        CHECK_FALSE(options.plan.ipv4_link_local);
        CHECK(options.routing);
        CHECK_FALSE(options.require_routing);
        CHECK_FALSE(options.dry_run);
        CHECK(options.watch);
        CHECK_FALSE(options.host_network);
        CHECK(options.log_level == LogLevel::info);
        CHECK_FALSE(options.process_group);
        CHECK_FALSE(options.keep_net_admin);
        CHECK(options.remap_exit.empty());
        CHECK(options.grace.count() == 0);
        CHECK(options.command == std::vector<std::string>{"app"});
    }

    TEST_CASE("command after double dash untouched") {
        srinit::Options options = accept({"-v", "--", "sh", "-c", "--help", "--", "-q"});
        CHECK(options.command == std::vector<std::string>{"sh", "-c", "--help", "--", "-q"});
        CHECK(options.log_level == LogLevel::debug);
    }

    TEST_CASE("command starts at first non-option") {
        srinit::Options options = accept({"-q", "nginx", "-g", "daemon off;", "--dry-run"});
        CHECK(options.command == std::vector<std::string>{"nginx", "-g", "daemon off;", "--dry-run"});
        CHECK_FALSE(options.dry_run);
    }

    TEST_CASE("command may start with a dash after double dash") {
        srinit::Options options = accept({"--", "-weird"});
        CHECK(options.command == std::vector<std::string>{"-weird"});
    }

    TEST_CASE("table base and rule priority") {
        srinit::Options options = accept({"--table-base", "2000", "--rule-priority=500", "x"});
        CHECK(options.plan.table_base == 2000);
        CHECK(options.plan.rule_priority == 500);
    }

    TEST_CASE("number range limits accepted") {
        CHECK(accept({"--table-base", "256", "x"}).plan.table_base == 256);
        CHECK(accept({"--table-base", "2147483647", "x"}).plan.table_base == 2147483647u);
        CHECK(accept({"--rule-priority", "1", "x"}).plan.rule_priority == 1);
        CHECK(accept({"--rule-priority", "32764", "x"}).plan.rule_priority == 32764);
    }

    TEST_CASE("repeated value option last wins") {
        CHECK(accept({"--table-base", "300", "--table-base", "400", "x"}).plan.table_base == 400);
    }

    TEST_CASE("gateway by name and by subnet") {
        srinit::Options options = accept({"--gateway", "eth1=198.18.1.254", "--gateway",
                                          "198.18.2.0/24=198.18.2.254", "--gateway",
                                          "fd00:3::/64=fd00:3::1", "x"});
        REQUIRE(options.plan.gateways.size() == 3);
        const auto& by_name = options.plan.gateways[0];
        CHECK(by_name.interface == "eth1");
        CHECK_FALSE(by_name.subnet.has_value());
        CHECK(srinit::to_string(by_name.gateway) == "198.18.1.254");
        const auto& by_subnet = options.plan.gateways[1];
        CHECK(by_subnet.interface.empty());
        REQUIRE(by_subnet.subnet.has_value());
        CHECK(srinit::to_string(*by_subnet.subnet) == "198.18.2.0/24");
        CHECK(srinit::to_string(by_subnet.gateway) == "198.18.2.254");
        const auto& ipv6 = options.plan.gateways[2];
        REQUIRE(ipv6.subnet.has_value());
        CHECK(ipv6.subnet->address.family == AF_INET6);
        CHECK(srinit::to_string(ipv6.gateway) == "fd00:3::1");
    }

    TEST_CASE("gateway with equals sign form") {
        srinit::Options options = accept({"--gateway=eth2=198.18.4.1", "x"});
        REQUIRE(options.plan.gateways.size() == 1);
        CHECK(options.plan.gateways[0].interface == "eth2");
    }

    TEST_CASE("exclude names and globs") {
        srinit::Options options = accept({"--exclude", "eth2", "--exclude=veth*", "x"});
        CHECK(options.plan.exclude == std::vector<std::string>{"eth2", "veth*"});
    }

    TEST_CASE("boolean flags") {
        srinit::Options options =
            accept({"--no-guess", "--ipv4-link-local", "--no-routing", "--require-routing",
                    "--no-watch", "--host-network", "-g", "--keep-net-admin", "x"});
        CHECK_FALSE(options.plan.guess);
        CHECK(options.plan.ipv4_link_local);
        CHECK_FALSE(options.routing);
        CHECK(options.require_routing);
        CHECK_FALSE(options.watch);
        CHECK(options.host_network);
        CHECK(options.process_group);
        CHECK(options.keep_net_admin);
    }

    TEST_CASE("process group long form") {
        CHECK(accept({"--process-group", "x"}).process_group);
    }

    TEST_CASE("quiet and verbose") {
        CHECK(accept({"-q", "x"}).log_level == LogLevel::warning);
        CHECK(accept({"--quiet", "x"}).log_level == LogLevel::warning);
        CHECK(accept({"-v", "x"}).log_level == LogLevel::debug);
        CHECK(accept({"--verbose", "x"}).log_level == LogLevel::debug);
    }

    TEST_CASE("quiet and verbose together rejected") {
        std::string error = reject({"-q", "-v", "x"});
        CHECK(contains(error, "-q"));
        CHECK(contains(error, "-v"));
    }

    TEST_CASE("dry run needs no command") {
        srinit::Options options = accept({"--dry-run"});
        CHECK(options.dry_run);
        CHECK(options.command.empty());
    }

    TEST_CASE("remap exit") {
        srinit::Options options = accept({"--remap-exit", "143=0", "--remap-exit", "1=255", "x"});
        CHECK(options.remap_exit == std::map<int, int>{{143, 0}, {1, 255}});
    }

    TEST_CASE("grace durations") {
        CHECK(accept({"--grace", "500ms", "x"}).grace.count() == 500);
        CHECK(accept({"--grace", "5s", "x"}).grace.count() == 5000);
        CHECK(accept({"--grace", "2", "x"}).grace.count() == 2000);
        CHECK(accept({"--grace", "1m", "x"}).grace.count() == 60000);
        CHECK(accept({"--grace", "24h", "x"}).grace.count() == 86400000);
        CHECK(accept({"--grace", "0", "x"}).grace.count() == 0);
    }

    TEST_CASE("environment sets every option") {
        Variables variables{{"SRINIT_TABLE_BASE", "3000"},
                            {"SRINIT_RULE_PRIORITY", "2000"},
                            {"SRINIT_GATEWAYS", "eth1=198.18.1.254, 198.18.2.0/24=198.18.2.1"},
                            {"SRINIT_EXCLUDE", "eth3,veth* br0"},
                            {"SRINIT_NO_GUESS", "1"},
                            {"SRINIT_IPV4_LINK_LOCAL", "yes"},
                            {"SRINIT_NO_ROUTING", "true"},
                            {"SRINIT_REQUIRE_ROUTING", "TRUE"},
                            {"SRINIT_DRY_RUN", "1"},
                            {"SRINIT_NO_WATCH", "1"},
                            {"SRINIT_HOST_NETWORK", "yes"},
                            {"SRINIT_LOG_LEVEL", "debug"},
                            {"SRINIT_PROCESS_GROUP", "1"},
                            {"SRINIT_KEEP_NET_ADMIN", "1"},
                            {"SRINIT_REMAP_EXIT", "143=0 137=1"},
                            {"SRINIT_GRACE", "750ms"}};
        srinit::Options options = accept({}, variables);
        CHECK(options.plan.table_base == 3000);
        CHECK(options.plan.rule_priority == 2000);
        REQUIRE(options.plan.gateways.size() == 2);
        CHECK(options.plan.gateways[0].interface == "eth1");
        CHECK(options.plan.gateways[1].subnet.has_value());
        CHECK(options.plan.exclude == std::vector<std::string>{"eth3", "veth*", "br0"});
        CHECK_FALSE(options.plan.guess);
        CHECK(options.plan.ipv4_link_local);
        CHECK_FALSE(options.routing);
        CHECK(options.require_routing);
        CHECK(options.dry_run);
        CHECK_FALSE(options.watch);
        CHECK(options.host_network);
        CHECK(options.log_level == LogLevel::debug);
        CHECK(options.process_group);
        CHECK(options.keep_net_admin);
        CHECK(options.remap_exit == std::map<int, int>{{143, 0}, {137, 1}});
        CHECK(options.grace.count() == 750);
    }

    TEST_CASE("environment false values keep defaults") {
        Variables variables{{"SRINIT_NO_GUESS", "0"},     {"SRINIT_NO_ROUTING", "false"},
                            {"SRINIT_NO_WATCH", "no"},    {"SRINIT_DRY_RUN", "0"},
                            {"SRINIT_HOST_NETWORK", "No"}, {"SRINIT_PROCESS_GROUP", ""}};
        srinit::Options options = accept({"x"}, variables);
        CHECK(options.plan.guess);
        CHECK(options.routing);
        CHECK(options.watch);
        CHECK_FALSE(options.dry_run);
        CHECK_FALSE(options.host_network);
        CHECK_FALSE(options.process_group);
    }

    TEST_CASE("environment log levels") {
        CHECK(accept({"x"}, {{"SRINIT_LOG_LEVEL", "warning"}}).log_level == LogLevel::warning);
        CHECK(accept({"x"}, {{"SRINIT_LOG_LEVEL", "info"}}).log_level == LogLevel::info);
        CHECK(accept({"x"}, {{"SRINIT_LOG_LEVEL", "debug"}}).log_level == LogLevel::debug);
        CHECK(accept({"x"}, {{"SRINIT_LOG_LEVEL", "warn"}}).log_level == LogLevel::warning);
        CHECK(accept({"x"}, {{"SRINIT_LOG_LEVEL", "WARN"}}).log_level == LogLevel::warning);
        CHECK(accept({"x"}, {{"SRINIT_LOG_LEVEL", "error"}}).log_level == LogLevel::error);
    }

    TEST_CASE("help lists every log level") {
        // The help wraps lines, so runs of spaces and newlines are compared as one space.
        std::string help;
        for (char c : parse({"--help"}).output) {
            bool space = c == ' ' || c == '\n';
            if (!space || (!help.empty() && help.back() != ' ')) {
                help += space ? ' ' : c;
            }
        }
        CHECK(contains(help, "it takes error, warn (or warning), info or debug"));
    }

    TEST_CASE("flag wins over environment") {
        Variables variables{{"SRINIT_TABLE_BASE", "3000"},
                            {"SRINIT_GATEWAYS", "eth1=198.18.1.254"},
                            {"SRINIT_EXCLUDE", "eth3"},
                            {"SRINIT_LOG_LEVEL", "debug"},
                            {"SRINIT_REMAP_EXIT", "1=2"},
                            {"SRINIT_GRACE", "9s"},
                            {"SRINIT_DRY_RUN", "0"}};
        srinit::Options options =
            accept({"--table-base", "4000", "--gateway", "eth9=198.18.9.1", "--exclude", "eth4",
                    "-q", "--remap-exit", "3=4", "--grace", "1s", "--dry-run"},
                   variables);
        CHECK(options.plan.table_base == 4000);
        REQUIRE(options.plan.gateways.size() == 1);
        CHECK(options.plan.gateways[0].interface == "eth9");
        CHECK(options.plan.exclude == std::vector<std::string>{"eth4"});
        CHECK(options.log_level == LogLevel::warning);
        CHECK(options.remap_exit == std::map<int, int>{{3, 4}});
        CHECK(options.grace.count() == 1000);
        CHECK(options.dry_run);
    }

    TEST_CASE("flag wins over invalid environment") {
        srinit::Options options = accept({"--rule-priority", "10", "x"},
                                         {{"SRINIT_RULE_PRIORITY", "lots"}});
        CHECK(options.plan.rule_priority == 10);
    }

    TEST_CASE("unknown option rejected") {
        std::string error = reject({"--bogus", "x"});
        CHECK(contains(error, "unknown option '--bogus'"));
        CHECK(contains(reject({"--tab", "300", "x"}), "'--tab'"));
        CHECK(contains(reject({"-qx", "app"}), "'-x'"));
    }

    TEST_CASE("missing command rejected") {
        std::string error = reject({"-v"});
        CHECK(contains(error, "missing command"));
        CHECK(contains(error, "-- COMMAND"));
        CHECK(contains(reject({"--"}), "missing command"));
    }

    TEST_CASE("missing option value rejected") {
        std::string error = reject({"--table-base"});
        CHECK(contains(error, "missing value for --table-base"));
    }

    TEST_CASE("malformed gateway address rejected") {
        std::string error = reject({"--gateway", "eth1=198.18.1.300", "x"});
        CHECK(error == "invalid --gateway 'eth1=198.18.1.300': expected NAME=ADDRESS or "
                       "SUBNET=ADDRESS, such as eth1=198.18.1.254 or "
                       "198.18.1.0/24=198.18.1.254");
    }

    TEST_CASE("malformed gateway forms rejected") {
        for (const char* value : {"eth1", "eth1=", "=198.18.1.1", "198.18.1.0=198.18.1.1",
                                  "198.18.1.0/33=198.18.1.1", "198.18.1.0/24=fd00::1",
                                  "fd00::/64=198.18.1.1", "averyveryverylongname=198.18.1.1",
                                  "eth:1=198.18.1.1", "198.18.1.x/24=198.18.1.1"}) {
            INFO(value);
            std::string error = reject({"--gateway", value, "x"});
            CHECK(contains(error, std::string("invalid --gateway '") + value + "'"));
        }
    }

    TEST_CASE("gateway subnet with host bits rejected") {
        std::string error = reject({"--gateway", "198.18.2.5/24=198.18.2.1", "x"});
        CHECK(contains(error, "invalid --gateway '198.18.2.5/24=198.18.2.1'"));
        CHECK(contains(error, "host bits set"));
        CHECK(contains(error, "did you mean 198.18.2.0/24?"));
        std::string ipv6 = reject({"--gateway", "fd00:3::1/64=fd00:3::fe", "x"});
        CHECK(contains(ipv6, "did you mean fd00:3::/64?"));
    }

    TEST_CASE("gateway subnet with host bits in environment rejected") {
        std::string error = reject({"x"}, {{"SRINIT_GATEWAYS", "198.18.2.5/24=198.18.2.1"}});
        CHECK(contains(error, "invalid SRINIT_GATEWAYS '198.18.2.5/24=198.18.2.1'"));
        CHECK(contains(error, "did you mean 198.18.2.0/24?"));
    }

    TEST_CASE("gateway of other family rejected") {
        std::string error = reject({"--gateway", "198.18.2.0/24=fd00::1", "x"});
        CHECK(contains(error, "the subnet 198.18.2.0/24 is IPv4 and the gateway fd00::1 is IPv6"));
        CHECK(contains(error, "same family"));
        std::string variable = reject({"x"}, {{"SRINIT_GATEWAYS", "fd00:3::/64=198.18.2.1"}});
        CHECK(contains(variable, "invalid SRINIT_GATEWAYS 'fd00:3::/64=198.18.2.1'"));
        CHECK(contains(variable, "is IPv6 and the gateway 198.18.2.1 is IPv4"));
    }

    TEST_CASE("contradictory remap rejected") {
        std::string error = reject({"--remap-exit", "3=0", "--remap-exit", "3=1", "x"});
        CHECK(contains(error, "contradictory --remap-exit '3=0' and --remap-exit '3=1'"));
        std::string variable = reject({"x"}, {{"SRINIT_REMAP_EXIT", "3=0,143=0 3=1"}});
        CHECK(contains(variable, "contradictory SRINIT_REMAP_EXIT '3=0' and SRINIT_REMAP_EXIT '3=1'"));
    }

    TEST_CASE("repeated equal remap accepted") {
        srinit::Options options = accept({"--remap-exit", "3=0", "--remap-exit", "3=0", "x"});
        CHECK(options.remap_exit.size() == 1);
        CHECK(options.remap_exit.at(3) == 0);
    }

    TEST_CASE("malformed gateway in environment rejected") {
        std::string error =
            reject({"x"}, {{"SRINIT_GATEWAYS", "eth1=198.18.1.1,eth2=198.18.2.999"}});
        CHECK(contains(error, "invalid SRINIT_GATEWAYS 'eth2=198.18.2.999'"));
        CHECK(contains(error, "NAME=ADDRESS"));
    }

    TEST_CASE("malformed numbers rejected") {
        for (const char* value : {"abc", "-5", "+5", "10x", "1e3", "", " 300"}) {
            INFO(value);
            std::string error = reject({"--table-base", value, "x"});
            CHECK(contains(error, std::string("invalid --table-base '") + value + "'"));
            CHECK(contains(error, "from 256 to 2147483647"));
        }
    }

    TEST_CASE("out of range numbers rejected") {
        CHECK(contains(reject({"--table-base", "255", "x"}), "invalid --table-base '255'"));
        CHECK(contains(reject({"--table-base", "2147483648", "x"}), "'2147483648'"));
        CHECK(contains(reject({"--table-base", "99999999999999999999", "x"}),
                       "'99999999999999999999'"));
        std::string error = reject({"--rule-priority", "32765", "x"});
        CHECK(contains(error, "invalid --rule-priority '32765'"));
        CHECK(contains(error, "from 1 to 32764"));
        CHECK(contains(reject({"--rule-priority", "0", "x"}), "'0'"));
    }

    TEST_CASE("out of range environment number rejected") {
        std::string error = reject({"x"}, {{"SRINIT_RULE_PRIORITY", "40000"}});
        CHECK(contains(error, "invalid SRINIT_RULE_PRIORITY '40000'"));
    }

    TEST_CASE("bad boolean environment rejected") {
        for (const char* name : {"SRINIT_NO_GUESS", "SRINIT_NO_ROUTING", "SRINIT_REQUIRE_ROUTING",
                                 "SRINIT_DRY_RUN", "SRINIT_NO_WATCH", "SRINIT_HOST_NETWORK",
                                 "SRINIT_PROCESS_GROUP", "SRINIT_KEEP_NET_ADMIN",
                                 "SRINIT_IPV4_LINK_LOCAL"}) {
            INFO(name);
            std::string error = reject({"x"}, {{name, "maybe"}});
            CHECK(contains(error, std::string("invalid ") + name + " 'maybe'"));
            CHECK(contains(error, "1, 0, true, false, yes or no"));
        }
    }

    TEST_CASE("bad log level environment rejected") {
        std::string error = reject({"x"}, {{"SRINIT_LOG_LEVEL", "loud"}});
        CHECK(contains(error, "invalid SRINIT_LOG_LEVEL 'loud'"));
        CHECK(contains(error, "error, warn (or warning), info or debug"));
    }

    TEST_CASE("bad duration rejected") {
        for (const char* value : {"5x", "ms", "1.5s", "-1s", "25h", "1441m", "5 s"}) {
            INFO(value);
            std::string error = reject({"--grace", value, "x"});
            CHECK(contains(error, std::string("invalid --grace '") + value + "'"));
            CHECK(contains(error, "500ms"));
        }
        CHECK(contains(reject({"x"}, {{"SRINIT_GRACE", "soon"}}), "invalid SRINIT_GRACE 'soon'"));
    }

    TEST_CASE("bad remap rejected") {
        for (const char* value : {"143", "143=", "=0", "256=0", "0=256", "a=b", "-1=0"}) {
            INFO(value);
            std::string error = reject({"--remap-exit", value, "x"});
            CHECK(contains(error, std::string("invalid --remap-exit '") + value + "'"));
            CHECK(contains(error, "FROM=TO"));
        }
        CHECK(contains(reject({"x"}, {{"SRINIT_REMAP_EXIT", "1=2,3"}}),
                       "invalid SRINIT_REMAP_EXIT '3'"));
    }

    TEST_CASE("bad exclude rejected") {
        CHECK(contains(reject({"--exclude", "", "x"}), "invalid --exclude ''"));
        CHECK(contains(reject({"--exclude", "eth/1", "x"}), "invalid --exclude 'eth/1'"));
    }

    TEST_CASE("help output") {
        ParseResult result = parse({"--help"});
        CHECK_FALSE(result.options.has_value());
        CHECK(result.exit_status == 0);
        CHECK(result.error.empty());
        CHECK(contains(result.output, "Usage: srinit [OPTIONS] [--] COMMAND [ARGS...]"));
        for (const char* text :
             {"--table-base", "SRINIT_TABLE_BASE", "--rule-priority", "SRINIT_RULE_PRIORITY",
              "--gateway", "SRINIT_GATEWAYS", "--exclude", "SRINIT_EXCLUDE", "--no-guess",
              "SRINIT_NO_GUESS", "--ipv4-link-local", "--no-routing", "SRINIT_NO_ROUTING",
              "--require-routing", "SRINIT_REQUIRE_ROUTING", "--dry-run", "SRINIT_DRY_RUN",
              "--no-watch", "SRINIT_NO_WATCH", "--host-network", "SRINIT_HOST_NETWORK", "-q",
              "-v", "SRINIT_LOG_LEVEL", "--process-group", "SRINIT_PROCESS_GROUP",
              "--keep-net-admin", "SRINIT_KEEP_NET_ADMIN", "--remap-exit", "SRINIT_REMAP_EXIT",
              "--grace", "SRINIT_GRACE", "500ms", "--version", "Exit status"}) {
            INFO(text);
            CHECK(contains(result.output, text));
        }
    }

    TEST_CASE("short help flag") {
        ParseResult result = parse({"-h"});
        CHECK(result.exit_status == 0);
        CHECK(contains(result.output, "--table-base"));
    }

    TEST_CASE("version output") {
        ParseResult result = parse({"--version"});
        CHECK_FALSE(result.options.has_value());
        CHECK(result.exit_status == 0);
        CHECK(result.error.empty());
        CHECK(result.output.rfind("srinit ", 0) == 0);
        CHECK(result.output.back() == '\n');
    }

    TEST_CASE("help after command belongs to the command") {
        srinit::Options options = accept({"app", "--help"});
        CHECK(options.command == std::vector<std::string>{"app", "--help"});
    }
}

TEST_SUITE("option values") {
    TEST_CASE("split list") {
        CHECK(srinit::split_list(" a,b  c,,\td ") == std::vector<std::string>{"a", "b", "c", "d"});
        CHECK(srinit::split_list("").empty());
    }

    TEST_CASE("parse bool words") {
        CHECK(srinit::parse_bool("Yes") == true);
        CHECK(srinit::parse_bool("FALSE") == false);
        CHECK_FALSE(srinit::parse_bool("on").has_value());
        CHECK_FALSE(srinit::parse_bool("").has_value());
    }
}
