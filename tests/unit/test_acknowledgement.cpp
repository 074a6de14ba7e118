#include "netlink/message.hpp"

#include <cerrno>
#include <cstring>
#include <doctest/doctest.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

using namespace srinit;

namespace {

struct Buffer {
    alignas(nlmsghdr) char bytes[kMessageBufferSize * 2] = {};
};

// An acknowledgement as the kernel sends it with NETLINK_CAP_ACK: the request's header only.
nlmsghdr* put_capped_error(Buffer& buffer, int error, const char* extack) {
    nlmsghdr* message = mnl_nlmsg_put_header(buffer.bytes);
    message->nlmsg_type = NLMSG_ERROR;
    message->nlmsg_flags = NLM_F_CAPPED;
    auto* body = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(message, sizeof(nlmsgerr)));
    body->error = -error;
    body->msg.nlmsg_len = 64;
    body->msg.nlmsg_type = RTM_NEWROUTE;
    if (extack != nullptr) {
        message->nlmsg_flags |= NLM_F_ACK_TLVS;
        mnl_attr_put_strz(message, NLMSGERR_ATTR_MSG, extack);
        mnl_attr_put_u32(message, NLMSGERR_ATTR_OFFS, 20);
    }
    return message;
}

} // namespace

TEST_SUITE("acknowledgement") {
    TEST_CASE("acknowledgement without extack") {
        Buffer buffer;
        std::optional<Acknowledgement> ack =
            parse_acknowledgement(put_capped_error(buffer, 0, nullptr));
        REQUIRE(ack);
        CHECK(ack->error == 0);
        CHECK(ack->extack == "");
    }

    TEST_CASE("capped error acknowledgement with extack") {
        Buffer buffer;
        nlmsghdr* message = put_capped_error(buffer, ENETUNREACH, "Nexthop has invalid gateway");
        std::optional<Acknowledgement> ack = parse_acknowledgement(message);
        REQUIRE(ack);
        CHECK(ack->error == ENETUNREACH);
        CHECK(ack->extack == "Nexthop has invalid gateway");
    }

    TEST_CASE("uncapped error acknowledgement with extack") {
        Buffer request_buffer;
        nlmsghdr* request = build_rule(request_buffer.bytes, RTM_NEWRULE, 0, 8, Rule{});
        Buffer buffer;
        nlmsghdr* message = mnl_nlmsg_put_header(buffer.bytes);
        message->nlmsg_type = NLMSG_ERROR;
        message->nlmsg_flags = NLM_F_ACK_TLVS;
        int error = -EEXIST;
        std::memcpy(mnl_nlmsg_put_extra_header(message, sizeof(error)), &error, sizeof(error));
        std::memcpy(mnl_nlmsg_put_extra_header(message, request->nlmsg_len), request,
                    request->nlmsg_len);
        mnl_attr_put_strz(message, NLMSGERR_ATTR_MSG, "rule exists");

        std::optional<Acknowledgement> ack = parse_acknowledgement(message);
        REQUIRE(ack);
        CHECK(ack->error == EEXIST);
        CHECK(ack->extack == "rule exists");
    }

    TEST_CASE("done message parses as acknowledgement") {
        Buffer buffer;
        nlmsghdr* message = mnl_nlmsg_put_header(buffer.bytes);
        message->nlmsg_type = NLMSG_DONE;
        message->nlmsg_flags = NLM_F_MULTI;
        int error = 0;
        std::memcpy(mnl_nlmsg_put_extra_header(message, sizeof(error)), &error, sizeof(error));
        std::optional<Acknowledgement> ack = parse_acknowledgement(message);
        REQUIRE(ack);
        CHECK(ack->error == 0);
    }

    TEST_CASE("truncated acknowledgement rejected") {
        Buffer buffer;
        nlmsghdr* message = put_capped_error(buffer, EINVAL, nullptr);
        message->nlmsg_len = sizeof(nlmsghdr) + sizeof(int) + 4;
        CHECK_FALSE(parse_acknowledgement(message));
        message->nlmsg_len = sizeof(nlmsghdr) + 2;
        CHECK_FALSE(parse_acknowledgement(message));
    }

    TEST_CASE("acknowledgement echo past end rejected") {
        Buffer buffer;
        nlmsghdr* message = put_capped_error(buffer, EINVAL, "bad");
        message->nlmsg_flags &= ~NLM_F_CAPPED;
        static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(message))->msg.nlmsg_len = 4000;
        CHECK_FALSE(parse_acknowledgement(message));
    }

} // TEST_SUITE("acknowledgement")
