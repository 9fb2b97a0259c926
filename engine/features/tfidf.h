// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// TF-IDF features of lyrics, reproducing scikit-learn 1.2.1's
// TfidfVectorizer(max_features=..., defaults otherwise):
//   - preprocessing: Python str.lower() (Unicode-aware; see unicode.h), no accent stripping;
//   - tokens: token_pattern r"(?u)\b\w\w+\b", i.e. every maximal run of two or more Python
//     `\w` characters (letters and digits of any script, '_'; not combining marks, not
//     apostrophes: "don't" gives "don");
//   - vocabulary: all terms (min_df=1, max_df=1.0), cut to the maxFeatures terms with the
//     largest total count in the training corpus, then ordered by code point;
//   - tf = raw count (or 1 + ln(count) with sublinearTf); idf = ln((1+n)/(1+df)) + 1
//     (smooth_idf) or ln(n/df) + 1; each row divided by its Euclidean norm (norm='l2');
//     rows without known terms stay zero.
// References: scikit-learn 1.2.1 sklearn/feature_extraction/text.py (CountVectorizer,
// TfidfTransformer); Manning, Raghavan & Schütze, Introduction to Information Retrieval (2008),
// ch. 6.2.
//
// The max_features cut reproduces sklearn's _limit_features exactly: argsort(-count) over the
// code-point-ordered vocabulary with numpy 1.24's unstable quicksort (introsort), first
// maxFeatures kept. So when several terms share the count at the cut-off, the same ones survive
// as in sklearn (not simply the alphabetically first ones); without such a tie this equals
// "count descending, then term ascending".

#include "engine/core/types.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace atlas {

/// Options of TfidfVectorizer. Defaults are scikit-learn's except maxFeatures (the pipeline's 500).
struct TfidfConfig {
    int maxFeatures = 500;     ///< vocabulary size limit, >= 0; 0 = unlimited (sklearn max_features=None)
    bool lowercase = true;     ///< apply Python str.lower() before tokenising (sklearn lowercase)
    bool smoothIdf = true;     ///< idf = ln((1+n)/(1+df)) + 1, else ln(n/df) + 1 (sklearn smooth_idf)
    bool sublinearTf = false;  ///< tf = 1 + ln(count) instead of count (sklearn sublinear_tf)
    bool l2Normalise = true;   ///< divide each row by its L2 norm (sklearn norm='l2'; false = norm=None)

    /// Empty when valid; otherwise one message per problem, naming the field.
    std::vector<std::string> validate() const;

    bool operator==(const TfidfConfig&) const = default;
};

/// A matrix in compressed sparse row form (scipy's csr_matrix): row r holds the entries
/// columns[rowStart[r] .. rowStart[r + 1]) with their values, columns ascending; every other
/// entry is zero. A TF-IDF row of 500 terms has a few dozen nonzero entries, so this holds a
/// large corpus in a fraction of the dense matrix's memory.
struct SparseRows {
    Eigen::Index cols = 0;
    std::vector<std::size_t> rowStart{0};   ///< rows() + 1 offsets into columns and values
    std::vector<int> columns;               ///< column of each stored entry
    std::vector<double> values;             ///< value of each stored entry

    Eigen::Index rows() const noexcept { return Eigen::Index(rowStart.size()) - 1; }
    std::size_t nonZeros() const noexcept { return values.size(); }
    /// The rows x cols dense matrix, zero where nothing is stored.
    Matrix toDense() const;

    bool operator==(const SparseRows&) const = default;
};

/// Splits a document into TF-IDF tokens exactly as scikit-learn's default analyzer does
/// (build_analyzer() with lowercase and the default token_pattern): UTF-8 in, UTF-8 tokens
/// out, in document order. Invalid UTF-8 is read as U+FFFD (which is not a word character).
/// Thread-safe.
std::vector<std::string> tfidfTokens(std::string_view document, bool lowercase = true);

/// Bag-of-words TF-IDF model. fit() learns the vocabulary and idf weights from a corpus;
/// transform() maps documents onto them. Documents are UTF-8 strings; the *Sparse variants
/// take views of them (nothing is copied) and return the same values as SparseRows.
///
/// Thread rules: fit() must not run concurrently with anything else on the same object;
/// const members (transform, vocabulary, idf, ...) may be called from several threads at once
/// after fit(). transform() of 1000 lyrics x 500 terms takes a few milliseconds, so there is
/// no Progress parameter.
class TfidfVectorizer {
public:
    /// Throws ConfigError when cfg.validate() fails.
    explicit TfidfVectorizer(const TfidfConfig& cfg = {});

    /// Learns vocabulary, document frequencies and idf from `documents` (one string per
    /// document; empty strings are valid documents and count towards n).
    /// Throws InputError when the corpus yields no term at all (no documents, or only empty /
    /// punctuation / one-letter documents): scikit-learn raises "empty vocabulary" there, and
    /// the pipeline treats it as "lyrics unusable".
    void fit(const std::vector<std::string>& documents);

    /// n x vocabulary().size() dense TF-IDF matrix (rows = documents, columns in vocabulary
    /// order). Terms not in the vocabulary are ignored; a document without known terms gives a
    /// zero row. Throws std::logic_error when called before fit().
    Matrix transform(const std::vector<std::string>& documents) const;

    /// fit(documents) followed by transform(documents), tokenising the corpus only once.
    Matrix fitTransform(const std::vector<std::string>& documents);

    /// transform() and fitTransform() as sparse rows: toDense() of the result equals them
    /// bit for bit.
    SparseRows transformSparse(std::span<const std::string_view> documents) const;
    SparseRows fitTransformSparse(std::span<const std::string_view> documents);

    /// Takes the vocabulary (column order) and idf of an earlier fit instead of fitting, so
    /// that new documents are weighed as that fit weighs them. documentFrequency(),
    /// termCount() and fullVocabularySize() stay empty. Throws std::invalid_argument when the
    /// sizes differ, a term repeats or an idf is not finite.
    void restore(std::vector<std::string> vocabulary, Vector idf);

    /// True once fit() has succeeded.
    bool isFitted() const noexcept { return m_fitted; }
    /// The configuration in use.
    const TfidfConfig& config() const noexcept { return m_cfg; }
    /// Kept terms in column order (code point ascending, as sklearn's get_feature_names_out()).
    const std::vector<std::string>& vocabulary() const noexcept { return m_vocabulary; }
    /// idf weight of every column (sklearn idf_).
    const Vector& idf() const noexcept { return m_idf; }
    /// Number of training documents containing each column's term.
    const std::vector<int>& documentFrequency() const noexcept { return m_documentFrequency; }
    /// Total count of each column's term over the training corpus (what maxFeatures ranks by).
    const std::vector<long long>& termCount() const noexcept { return m_termCount; }
    /// Number of distinct terms in the training corpus before the maxFeatures cut.
    std::size_t fullVocabularySize() const noexcept { return m_fullVocabularySize; }
    /// Column of `term`, or -1 when it is not in the vocabulary.
    int column(std::string_view term) const;

private:
    // The bags of words of a corpus: document d's (term id, count) pairs, sorted by term id,
    // are entries[start[d] .. start[d + 1]). One array for all documents rather than one
    // vector each: 300,000 lyrics would otherwise be 300,000 allocations.
    struct Bags {
        std::vector<std::size_t> start{0};
        std::vector<std::pair<int, int>> entries;
    };

    SparseRows weigh(Bags bags) const;

    TfidfConfig m_cfg;
    bool m_fitted = false;
    std::vector<std::string> m_vocabulary;
    std::unordered_map<std::string, int> m_columnOf;   // term -> column, for transform()
    std::vector<int> m_documentFrequency;
    std::vector<long long> m_termCount;
    Vector m_idf;
    std::size_t m_fullVocabularySize = 0;
};

namespace detail {

/// np.argsort(values) with numpy 1.24's default kind='quicksort' for int64: the same
/// permutation, including the order of equal values. Exposed for tests.
std::vector<std::size_t> numpyQuicksortArgsort(const std::vector<long long>& values);

} // namespace detail
} // namespace atlas
