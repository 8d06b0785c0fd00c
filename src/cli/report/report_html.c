/* The HTML report: a page skeleton, the assets of report_html_assets.h, and
 * the JSON report embedded where a script can parse it. */
#include "report_html.h"
#include "timeline.h"

#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "report_html_assets.h"
#include "report_json.h"

/* What the page embeds at most: the browser draws even less (see the
 * LIMITS in the script); the page says what it left out. */
static const struct report_limits html_limits = {.max_frames = 16384, .max_leaves = 8192};

static void put_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* JSON inside <script>: the HTML parser ends the element at "</script" and
 * treats "<!--" specially, whatever the JSON means. '<', '>' and '&' can only
 * occur inside JSON strings, where \u escapes mean the same characters. */
static void put_json(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("\\u003c", f);
            break;
        case '>':
            fputs("\\u003e", f);
            break;
        case '&':
            fputs("\\u0026", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

int report_html_write(const char *path, const char *title, struct kernel *k,
                      const struct report_proc *procs, int n, FILE *err)
{
    struct json_object *doc = report_json_build(k, procs, n, &html_limits);
    if (!doc) {
        fprintf(err, "vmsim: cannot write %s: out of memory\n", path);
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(err, "vmsim: cannot write %s: %s\n", path, strerror(errno));
        json_object_put(doc);
        return -1;
    }
    if (!title)
        title = "vmsim";
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n<title>vmsim: ",
          f);
    put_text(f, title);
    fputs("</title>\n<style>\n", f);
    fputs(report_css, f);
    fputs(timeline_css, f);
    fputs("</style>\n<script>\n", f);
    fputs(report_js_early, f);
    fputs("</script>\n</head>\n<body data-ready=\"0\">\n<header>\n<h1>vmsim: ", f);
    put_text(f, title);
    fputs(
        "</h1>\n<div id=\"summary\"></div>\n<div id=\"harts\"></div>\n"
        "<div class=\"usebar\" id=\"usebar\" "
        "title=\"frames by use\"></div>\n"
        "<ul class=\"legend\">"
        "<li><span class=\"sw use-anon\"></span>anonymous</li>"
        "<li><span class=\"sw use-file\"></span>file / page cache</li>"
        "<li><span class=\"sw use-pagetable\"></span>page table</li>"
        "<li><span class=\"sw use-kernel\"></span>kernel</li>"
        "<li><span class=\"sw share-kernel\"></span>kernel, shared by all</li>"
        "<li><span class=\"sw share-file\"></span>file page shared read-only (text, libc)</li>"
        "<li><span class=\"sw share-shared\"></span>MAP_SHARED</li>"
        "<li><span class=\"sw share-cow\"></span>copy-on-write</li>"
        "<li><span class=\"sw kind-device\"></span>device memory (MMIO, not RAM)</li>"
        "</ul>\n<div id=\"notes\"></div><div class=\"note\" id=\"linenote\"></div>\n"
        "</header>\n<pre id=\"errors\"></pre>\n"
        "<div id=\"main\">\n"
        "<div class=\"zone\" id=\"procs-zone\"><h2>Virtual address spaces</h2>"
        "<div id=\"procs\"></div></div>\n"
        "<div class=\"zone\" id=\"trees-zone\"><h2>Page tables</h2><div id=\"trees\"></div></div>\n"
        "<div class=\"zone\" id=\"frames-zone\"><h2>Physical memory</h2><div "
        "id=\"frames\"></div></div>\n"
        "</div>\n<div class=\"zone\" id=\"timeline-zone\"><h2>Memory over time</h2>"
        "<div id=\"timeline\"></div></div>\n"
        "<svg id=\"links\" xmlns=\"http://www.w3.org/2000/svg\"></svg>\n"
        "<script type=\"application/json\" id=\"vmsim-data\">",
        f);
    put_json(f, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE));
    fputs("</script>\n<script>\n", f);
    fputs(report_js_app, f);
    fputs("</script>\n<script>\n", f);
    fputs(timeline_js, f);
    fputs("</script>\n</body>\n</html>\n", f);
    json_object_put(doc);
    if (ferror(f) | (fclose(f) != 0)) {
        fprintf(err, "vmsim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}
