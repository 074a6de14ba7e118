#include "shim/help_format.hpp"

#include <memory>
#include <string>

namespace srinit {

namespace {

constexpr size_t kHelpWidth = 80;
constexpr size_t kHelpNameColumn = 30;

// Breaks `text` into lines of at most `width` characters at spaces.
std::string wrap(const std::string& text, size_t width) {
    std::string wrapped;
    size_t line_length = 0;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(' ', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        size_t word_length = end - start;
        if (line_length > 0 && line_length + 1 + word_length > width) {
            wrapped += '\n';
            line_length = 0;
        } else if (line_length > 0) {
            wrapped += ' ';
            ++line_length;
        }
        wrapped.append(text, start, word_length);
        line_length += word_length;
        start = end + 1;
    }
    return wrapped;
}

class HelpFormatter : public CLI::Formatter {
  public:
    std::string make_usage(const CLI::App*, std::string name) const override {
        return "\nUsage: " + name + " [OPTIONS] [--] COMMAND [ARGS...]\n";
    }
    std::string make_option_desc(const CLI::Option* option) const override {
        return wrap(option->get_description(), kHelpWidth - kHelpNameColumn);
    }
};

} // namespace

void set_help_formatter(CLI::App& app) {
    app.formatter(std::make_shared<HelpFormatter>());
    app.get_formatter()->column_width(kHelpNameColumn);
}

} // namespace srinit
