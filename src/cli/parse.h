/* Text helpers shared by the command line and the script language: numbers
 * and sizes, tokens with C-escaped strings, errno names. Nothing here touches
 * the simulation; everything must survive hostile input (the script fuzzer). */
#ifndef VMSIM_CLI_PARSE_H
#define VMSIM_CLI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Parses a whole string as an unsigned number: decimal or 0x hex, then, if
 * allow_suffix, one optional K, M or G (binary: 1K = 1024). Returns false for
 * anything else (empty, trailing junk, sign, overflow past 64 bits). */
bool parse_u64(const char *s, bool allow_suffix, uint64_t *out);

/* A size for --mem and script lengths: parse_u64 with suffixes. */
static inline bool parse_size(const char *s, uint64_t *out)
{
    return parse_u64(s, true, out);
}

/* One word of a script line. A quoted token ("...") has its C escapes decoded
 * and may contain NUL bytes, so its length is in len; every token is also
 * NUL-terminated. */
struct token {
    const char *s;
    size_t len;
    bool quoted;
};

#define TOKENS_MAX 16

/* A line split into tokens; owns the decoded text. */
struct token_line {
    int ntok;
    struct token tok[TOKENS_MAX];
    char *buf;
};

/* Splits line[0..len) into tokens: words separated by blanks, "strings" with
 * C escapes (\n \t \r \0 \\ \" \' \a \b \f \v \xHH \ooo); `#` outside a string
 * starts a comment. Returns NULL on success, or a static message saying what
 * is wrong (unterminated string, bad escape, too many words, NUL byte in the
 * line, out of memory). tl must be released with token_line_free even on error. */
const char *tokenize(const char *line, size_t len, struct token_line *tl);
void token_line_free(struct token_line *tl);

/* Writes buf[0..len) as one C string literal in double quotes: printable ASCII
 * as is, \n \t \r \\ \" escaped, every other byte as a three-digit octal escape. */
void print_c_string(FILE *out, const uint8_t *buf, size_t len);

/* Decodes "0xHEX" (an even, non-zero number of hex digits) into bytes; *out is
 * malloc'ed. Returns false if s is not such a string or memory runs out. */
bool parse_hex_bytes(const char *s, uint8_t **out, size_t *len);

/* "EINVAL" for EINVAL (Linux numbers), "E?" for an unknown one. */
const char *errno_name(int err);

#endif
