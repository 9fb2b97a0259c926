// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/features/tfidf.h"

#include "engine/core/error.h"
#include "engine/core/hash.h"
#include "engine/core/unicode.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace atlas {
namespace {

bool isAscii(std::string_view s) noexcept
{
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

bool asciiWord(unsigned char c) noexcept
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_';
}

// Calls emit(token) for every maximal run of >= 2 word characters: the matches of
// re.findall(r"(?u)\b\w\w+\b", text), since \w\w+ is greedy and both ends sit on \b.
template <class Emit>
void forEachToken(std::string_view document, bool lowercase, Emit&& emit)
{
    if (isAscii(document)) {
        std::string token;
        std::size_t i = 0;
        const std::size_t n = document.size();
        while (i < n) {
            while (i < n && !asciiWord(static_cast<unsigned char>(document[i])))
                ++i;
            const std::size_t begin = i;
            while (i < n && asciiWord(static_cast<unsigned char>(document[i])))
                ++i;
            if (i - begin >= 2) {
                token.assign(document.data() + begin, i - begin);
                if (lowercase)
                    for (char& c : token)
                        if (c >= 'A' && c <= 'Z')
                            c = char(c + 32);
                emit(token);
            }
        }
        return;
    }
    // Lowering happens on the whole text before tokenising, as in sklearn: it can change the
    // length (U+0130) and the final-sigma rule looks across token boundaries.
    std::u32string text = decodeUtf8(document);
    if (lowercase)
        text = pythonLower(text);
    std::string token;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        while (i < n && !isWordCharacter(text[i]))
            ++i;
        const std::size_t begin = i;
        while (i < n && isWordCharacter(text[i]))
            ++i;
        if (i - begin >= 2) {
            token.clear();
            for (std::size_t k = begin; k < i; ++k)
                appendUtf8(token, text[k]);
            emit(token);
        }
    }
}

// numpy 1.24's np.argsort(kind='quicksort') for int64 (npysort/quicksort.cpp, aquicksort_ with
// its heapsort fallback): an introsort that is not stable, so the order of equal values is
// the algorithm's own. scikit-learn's max_features cut is argsort(-counts)[:max_features]
// over the alphabetically sorted vocabulary; reproducing the sort step by step keeps exactly
// the terms sklearn keeps when several share the count at the cut-off.
void numpyHeapArgsort(const std::vector<long long>& v, std::size_t* tosort, std::ptrdiff_t n)
{
    std::size_t* a = tosort - 1;   // 1-based heap indexing, as in numpy
    std::size_t tmp;
    std::ptrdiff_t i, j, l;
    for (l = n >> 1; l > 0; --l) {
        tmp = a[l];
        for (i = l, j = l << 1; j <= n;) {
            if (j < n && v[a[j]] < v[a[j + 1]])
                j += 1;
            if (v[tmp] < v[a[j]]) {
                a[i] = a[j];
                i = j;
                j += j;
            } else {
                break;
            }
        }
        a[i] = tmp;
    }
    for (; n > 1;) {
        tmp = a[n];
        a[n] = a[1];
        n -= 1;
        for (i = 1, j = 2; j <= n;) {
            if (j < n && v[a[j]] < v[a[j + 1]])
                j++;
            if (v[tmp] < v[a[j]]) {
                a[i] = a[j];
                i = j;
                j += j;
            } else {
                break;
            }
        }
        a[i] = tmp;
    }
}

std::vector<std::size_t> numpyArgsort(const std::vector<long long>& v)
{
    constexpr std::ptrdiff_t SmallQuicksort = 15;
    const std::size_t num = v.size();
    std::vector<std::size_t> order(num);
    std::iota(order.begin(), order.end(), std::size_t(0));
    if (num < 2)
        return order;
    std::size_t* pl = order.data();
    std::size_t* pr = pl + num - 1;
    std::vector<std::size_t*> stack;
    std::vector<int> depth;
    int cdepth = 0;
    for (std::size_t m = num; m > 1; m >>= 1)
        ++cdepth;
    cdepth *= 2;
    for (;;) {
        if (cdepth < 0) {
            numpyHeapArgsort(v, pl, pr - pl + 1);
        } else {
            while (pr - pl > SmallQuicksort) {
                std::size_t* pm = pl + ((pr - pl) >> 1);
                if (v[*pm] < v[*pl])
                    std::swap(*pm, *pl);
                if (v[*pr] < v[*pm])
                    std::swap(*pr, *pm);
                if (v[*pm] < v[*pl])
                    std::swap(*pm, *pl);
                const long long vp = v[*pm];
                std::size_t* pi = pl;
                std::size_t* pj = pr - 1;
                std::swap(*pm, *pj);
                for (;;) {
                    do
                        ++pi;
                    while (v[*pi] < vp);
                    do
                        --pj;
                    while (vp < v[*pj]);
                    if (pi >= pj)
                        break;
                    std::swap(*pi, *pj);
                }
                std::swap(*pi, *(pr - 1));
                if (pi - pl < pr - pi) {   // push the larger partition
                    stack.push_back(pi + 1);
                    stack.push_back(pr);
                    pr = pi - 1;
                } else {
                    stack.push_back(pl);
                    stack.push_back(pi - 1);
                    pl = pi + 1;
                }
                depth.push_back(--cdepth);
            }
            for (std::size_t* pi = pl + 1; pi <= pr; ++pi) {   // insertion sort
                const std::size_t vi = *pi;
                const long long vv = v[vi];
                std::size_t* pj = pi;
                std::size_t* pk = pi - 1;
                while (pj > pl && vv < v[*pk])
                    *pj-- = *pk--;
                *pj = vi;
            }
        }
        if (stack.empty())
            break;
        pr = stack.back();
        stack.pop_back();
        pl = stack.back();
        stack.pop_back();
        cdepth = depth.back();
        depth.pop_back();
    }
    return order;
}

// Term ids in order of first appearance, by text: open addressing with linear probing, the
// terms' bytes in one buffer. (A node-based map allocated a node per term and missed the
// cache on most of a corpus's tens of millions of lookups.)
class TermIds {
public:
    // The id of `text`, the next free one when it is new.
    int intern(std::string_view text)
    {
        std::uint64_t h = fnv1a64(text);
        h ^= h >> 29;   // FNV-1a's low bits alone probe poorly
        const std::size_t mask = m_slots.size() - 1;
        std::size_t i = std::size_t(h) & mask;
        for (; m_slots[i] >= 0; i = (i + 1) & mask) {
            const int id = m_slots[i];
            if (m_hash[std::size_t(id)] == h && term(id) == text)
                return id;
        }
        const int id = int(m_hash.size());
        m_slots[i] = id;
        m_hash.push_back(h);
        m_bytes.append(text);
        m_end.push_back(m_bytes.size());
        if (2 * m_hash.size() > m_slots.size())
            grow();
        return id;
    }
    std::string_view term(int id) const
    {
        const std::size_t begin = id > 0 ? m_end[std::size_t(id) - 1] : 0;
        return {m_bytes.data() + begin, m_end[std::size_t(id)] - begin};
    }
    std::size_t size() const noexcept { return m_hash.size(); }

private:
    void grow()
    {
        std::vector<int> slots(2 * m_slots.size(), -1);
        const std::size_t mask = slots.size() - 1;
        for (std::size_t id = 0; id < m_hash.size(); ++id) {
            std::size_t i = std::size_t(m_hash[id]) & mask;
            while (slots[i] >= 0)
                i = (i + 1) & mask;
            slots[i] = int(id);
        }
        m_slots = std::move(slots);
    }

    std::vector<int> m_slots = std::vector<int>(1024, -1);   // id, or -1 for a free slot
    std::vector<std::uint64_t> m_hash;                       // hash of each id's term
    std::vector<std::size_t> m_end;                          // end of each id's term in m_bytes
    std::string m_bytes;
};

std::vector<std::string_view> views(const std::vector<std::string>& documents)
{
    return {documents.begin(), documents.end()};
}

// Sorts a document's term ids (or columns) and appends them to a bag array as (id, count)
// pairs, closing the document's bag.
void closeBag(std::vector<std::pair<int, int>>& entries, std::vector<std::size_t>& start,
              std::vector<int>& ids)
{
    std::sort(ids.begin(), ids.end());
    for (std::size_t k = 0; k < ids.size();) {
        std::size_t e = k;
        while (e < ids.size() && ids[e] == ids[k])
            ++e;
        entries.emplace_back(ids[k], int(e - k));
        k = e;
    }
    start.push_back(entries.size());
}

} // namespace

namespace detail {

std::vector<std::size_t> numpyQuicksortArgsort(const std::vector<long long>& values)
{
    return numpyArgsort(values);
}

} // namespace detail

std::vector<std::string> TfidfConfig::validate() const
{
    std::vector<std::string> problems;
    check(problems, maxFeatures >= 0, "TfidfConfig", "maxFeatures", "must be >= 0 (0 = unlimited)",
          maxFeatures);
    return problems;
}

std::vector<std::string> tfidfTokens(std::string_view document, bool lowercase)
{
    std::vector<std::string> tokens;
    forEachToken(document, lowercase, [&](const std::string& t) { tokens.push_back(t); });
    return tokens;
}

TfidfVectorizer::TfidfVectorizer(const TfidfConfig& cfg) : m_cfg(cfg)
{
    requireValid(m_cfg.validate());
}

int TfidfVectorizer::column(std::string_view term) const
{
    // The vocabulary is sorted by code point, which for UTF-8 is byte order (char_traits<char>
    // compares as unsigned char).
    const auto it = std::lower_bound(m_vocabulary.begin(), m_vocabulary.end(), term);
    return (it != m_vocabulary.end() && *it == term) ? int(it - m_vocabulary.begin()) : -1;
}

void TfidfVectorizer::fit(const std::vector<std::string>& documents)
{
    fitTransformSparse(views(documents));
}

Matrix TfidfVectorizer::fitTransform(const std::vector<std::string>& documents)
{
    return fitTransformSparse(views(documents)).toDense();
}

Matrix TfidfVectorizer::transform(const std::vector<std::string>& documents) const
{
    return transformSparse(views(documents)).toDense();
}

SparseRows TfidfVectorizer::fitTransformSparse(std::span<const std::string_view> documents)
{
    // Pass 1: ids in order of first appearance, one bag of (id, count) per document.
    TermIds termIds;
    Bags bags;
    bags.start.reserve(documents.size() + 1);
    std::vector<int> ids;
    for (const std::string_view document : documents) {
        ids.clear();
        forEachToken(document, m_cfg.lowercase,
                     [&](const std::string& token) { ids.push_back(termIds.intern(token)); });
        closeBag(bags.entries, bags.start, ids);
    }
    const std::size_t terms = termIds.size();
    if (terms == 0)
        throw InputError("TF-IDF: empty vocabulary: none of the " +
                         std::to_string(documents.size()) +
                         " documents contains a word of two or more letters or digits");

    std::vector<long long> count(terms, 0);
    std::vector<int> df(terms, 0);
    for (const auto& [id, c] : bags.entries) {
        count[std::size_t(id)] += c;
        ++df[std::size_t(id)];
    }

    // Terms in code point order, as sklearn's _sort_features; then its _limit_features:
    // argsort(-count)[:max_features] with numpy's unstable quicksort.
    std::vector<int> order(terms);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return termIds.term(a) < termIds.term(b);
    });
    std::size_t keep = terms;
    if (m_cfg.maxFeatures > 0 && terms > std::size_t(m_cfg.maxFeatures)) {
        keep = std::size_t(m_cfg.maxFeatures);
        std::vector<long long> negated(terms);
        for (std::size_t k = 0; k < terms; ++k)
            negated[k] = -count[std::size_t(order[k])];
        std::vector<std::size_t> best = numpyArgsort(negated);
        best.resize(keep);
        std::sort(best.begin(), best.end());   // back to code point order
        std::vector<int> kept(keep);
        for (std::size_t k = 0; k < keep; ++k)
            kept[k] = order[best[k]];
        order = std::move(kept);
    }

    std::vector<int> columnOfId(terms, -1);
    m_vocabulary.assign(keep, {});
    m_documentFrequency.assign(keep, 0);
    m_termCount.assign(keep, 0);
    m_idf.resize(Eigen::Index(keep));
    const double n = double(documents.size());
    for (std::size_t c = 0; c < keep; ++c) {
        const std::size_t id = std::size_t(order[c]);
        columnOfId[id] = int(c);
        m_vocabulary[c] = termIds.term(int(id));
        m_documentFrequency[c] = df[id];
        m_termCount[c] = count[id];
        // sklearn: idf = log(n_samples / df) + 1 with both incremented by smooth_idf.
        const double s = m_cfg.smoothIdf ? 1.0 : 0.0;
        m_idf[Eigen::Index(c)] = std::log((n + s) / (double(df[id]) + s)) + 1.0;
    }
    m_columnOf.clear();
    m_columnOf.reserve(keep);
    for (std::size_t c = 0; c < keep; ++c)
        m_columnOf.emplace(m_vocabulary[c], int(c));
    m_fullVocabularySize = terms;
    m_fitted = true;
    termIds = {};   // the full vocabulary is no longer needed

    // Term ids to columns in place, dropping the terms cut by maxFeatures.
    std::size_t kept = 0, from = 0;
    for (std::size_t d = 0; d + 1 < bags.start.size(); ++d) {
        const std::size_t end = bags.start[d + 1], first = kept;
        for (std::size_t k = from; k < end; ++k)
            if (const int col = columnOfId[std::size_t(bags.entries[k].first)]; col >= 0)
                bags.entries[kept++] = {col, bags.entries[k].second};
        std::sort(bags.entries.begin() + std::ptrdiff_t(first),
                  bags.entries.begin() + std::ptrdiff_t(kept));
        from = end;
        bags.start[d + 1] = kept;
    }
    bags.entries.resize(kept);
    return weigh(std::move(bags));
}

void TfidfVectorizer::restore(std::vector<std::string> vocabulary, Vector idf)
{
    if (Eigen::Index(vocabulary.size()) != idf.size() || !idf.allFinite())
        throw std::invalid_argument("TfidfVectorizer.restore: one finite idf per term needed");
    std::unordered_map<std::string, int> columnOf;
    for (std::size_t c = 0; c < vocabulary.size(); ++c)
        if (!columnOf.emplace(vocabulary[c], int(c)).second)
            throw std::invalid_argument("TfidfVectorizer.restore: the term \"" + vocabulary[c] +
                                        "\" repeats");
    m_vocabulary = std::move(vocabulary);
    m_idf = std::move(idf);
    m_columnOf = std::move(columnOf);
    m_documentFrequency.clear();
    m_termCount.clear();
    m_fullVocabularySize = 0;
    m_fitted = true;
}

SparseRows TfidfVectorizer::transformSparse(std::span<const std::string_view> documents) const
{
    if (!m_fitted)
        throw std::logic_error("TfidfVectorizer::transform() called before fit()");
    Bags bags;
    bags.start.reserve(documents.size() + 1);
    std::vector<int> cols;
    for (const std::string_view document : documents) {
        cols.clear();
        forEachToken(document, m_cfg.lowercase, [&](const std::string& token) {
            if (const auto it = m_columnOf.find(token); it != m_columnOf.end())
                cols.push_back(it->second);
        });
        closeBag(bags.entries, bags.start, cols);
    }
    return weigh(std::move(bags));
}

SparseRows TfidfVectorizer::weigh(Bags bags) const
{
    SparseRows X;
    X.cols = Eigen::Index(m_vocabulary.size());
    X.columns.resize(bags.entries.size());
    X.values.resize(bags.entries.size());
    for (std::size_t d = 0; d + 1 < bags.start.size(); ++d) {
        const std::size_t begin = bags.start[d], end = bags.start[d + 1];
        double sumSquares = 0.0;
        for (std::size_t k = begin; k < end; ++k) {
            const auto [col, c] = bags.entries[k];
            // sklearn: log(tf) + 1 in place for sublinear_tf, then X @ diag(idf).
            const double tf = m_cfg.sublinearTf ? std::log(double(c)) + 1.0 : double(c);
            const double v = tf * m_idf[col];
            X.columns[k] = col;
            X.values[k] = v;
            sumSquares += v * v;
        }
        if (m_cfg.l2Normalise && sumSquares > 0.0) {
            // Divide rather than multiply by the reciprocal, as sklearn's
            // inplace_csr_row_normalize_l2 does, to stay within an ulp of it.
            const double norm = std::sqrt(sumSquares);
            for (std::size_t k = begin; k < end; ++k)
                X.values[k] /= norm;
        }
    }
    X.rowStart = std::move(bags.start);
    return X;
}

Matrix SparseRows::toDense() const
{
    Matrix X = Matrix::Zero(rows(), cols);
    for (Eigen::Index r = 0; r < rows(); ++r)
        for (std::size_t k = rowStart[std::size_t(r)]; k < rowStart[std::size_t(r) + 1]; ++k)
            X(r, columns[k]) = values[k];
    return X;
}

} // namespace atlas
