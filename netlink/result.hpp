// A value or an error, for calls below main that may fail. Nothing in srinit throws across
// these boundaries.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace srinit {

struct Error {
    int code = 0;        // errno value, 0 when not from a system call
    std::string message; // names the failing call and the object: "sendto(RTM_NEWRULE): ..."
};

template <class T>
class Result {
  public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_value(std::move(error)) {}

    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_value); }
    const T& value() const { return std::get<0>(m_value); }
    T& operator*() { return value(); }
    T* operator->() { return &value(); }
    const Error& error() const { return std::get<1>(m_value); }

  private:
    std::variant<T, Error> m_value;
};

} // namespace srinit
