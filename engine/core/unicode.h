// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Unicode text primitives used by TF-IDF and the CSV reader: a UTF-8 decoder that repairs
// invalid input the way Python's bytes.decode("utf-8", "replace") does, Python's str.lower()
// and the word-character class of Python's `re` module in Unicode mode (`\w`).
//
// The character tables are generated from CPython 3.11's own string methods (Unicode 14.0.0)
// by engine/features/tools/gen_unicode_tables.py into unicode_tables.cpp, so that tokens are
// identical to scikit-learn's TfidfVectorizer running on Debian 12's Python.
//
// All functions are pure and thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace atlas {

/// The replacement character that stands in for invalid UTF-8 input.
inline constexpr char32_t ReplacementCharacter = U'\uFFFD';

/// Unicode version of the generated tables ("14.0.0").
const char* unicodeTablesVersion() noexcept;

/// Decodes UTF-8 into code points. Invalid input never throws: every maximal ill-formed
/// subsequence (Unicode 14 §3.9 "U+FFFD substitution of maximal subparts", which is what
/// Python's errors="replace" does) becomes one U+FFFD. Overlong forms, surrogates
/// (ED A0..BF ..) and values above U+10FFFF are ill-formed.
/// `invalidCount`, when given, receives the number of U+FFFD substitutions made.
std::u32string decodeUtf8(std::string_view utf8, std::size_t* invalidCount = nullptr);

/// Appends the UTF-8 encoding of `cp` to `out`. Surrogates and values above U+10FFFF are
/// written as U+FFFD.
void appendUtf8(std::string& out, char32_t cp);

/// UTF-8 encoding of a code point sequence (see appendUtf8()).
std::string encodeUtf8(std::u32string_view text);

/// Length in bytes of the ill-formed sequence at the start of `bytes` when it does not start
/// with a well-formed UTF-8 character, else 0 (also 0 for empty input). Used by the CSV reader
/// to repair files in place without decoding them.
std::size_t invalidUtf8PrefixLength(std::string_view bytes) noexcept;

/// Python's `re` `\w` in Unicode mode (CPython's SRE_UNI_IS_WORD): str.isalnum() or '_'.
/// Letters and digits of every script count, combining marks (Mn, Mc) and emoji do not.
bool isWordCharacter(char32_t cp) noexcept;

/// Python's str.lower() applied to a whole string: the full lowercase mapping (U+0130 'İ'
/// becomes "i" + U+0307), 'ß' unchanged, and capital sigma becomes final 'ς' when preceded by
/// a cased letter and not followed by one (Unicode's Final_Sigma context, skipping
/// case-ignorable characters), exactly as CPython decides it.
std::u32string pythonLower(std::u32string_view text);

/// Simple per-character lowercase used by pythonLower() for everything except U+0130 and
/// U+03A3: the code point itself when it has no lowercase form.
char32_t lowerSimple(char32_t cp) noexcept;

namespace detail {

/// Inclusive code point range of a generated table.
struct CodeRange {
    char32_t first;
    char32_t last;
};
/// One-to-one lowercase mapping.
struct CaseMapping {
    char32_t from;
    char32_t to;
};
/// Lowercase mapping to up to three code points (unused slots are 0).
struct MultiCaseMapping {
    char32_t from;
    char32_t to[3];
};

// Generated tables (unicode_tables.cpp), each sorted by code point.
extern const char* const UnicodeTablesVersion;
extern const CodeRange WordRanges[];
extern const std::size_t WordRangesCount;
extern const CaseMapping LowerSimple[];
extern const std::size_t LowerSimpleCount;
extern const MultiCaseMapping LowerMulti[];
extern const std::size_t LowerMultiCount;
extern const CodeRange CasedRanges[];
extern const std::size_t CasedRangesCount;
extern const CodeRange CaseIgnorableRanges[];
extern const std::size_t CaseIgnorableRangesCount;

/// Cased and not Case_Ignorable (CPython's view as seen by the Final_Sigma rule).
bool isCasedForSigma(char32_t cp) noexcept;
/// Case_Ignorable (Unicode DerivedCoreProperties, as compiled into CPython).
bool isCaseIgnorable(char32_t cp) noexcept;

} // namespace detail
} // namespace atlas
