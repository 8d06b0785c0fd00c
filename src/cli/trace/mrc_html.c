/* The miss-ratio curves as one self-contained HTML page: an inline SVG
 * (a polyline per policy, the sizes on a log scale when they span more
 * than a factor of 16) and the numbers as JSON in a script element, so a
 * reader (or a test) can read back what was drawn. No network, no script
 * needed to see it. */
#include "mrc.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const char *const colors[MRC_NPOL] = {"#1f77b4", "#2ca02c", "#d62728", "#9467bd",
                                             "#8c564b"};

#define W 760
#define H 420
#define L 60   /* left margin */
#define B 40   /* bottom margin */
#define T 20
#define R 120  /* right margin, for the legend */

/* Prints s with HTML's special characters escaped. */
static void put_text(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

int mrc_write_html(const struct mrc_result *r, const char *path, const char *title)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -errno;
    uint64_t lo = r->nsizes ? r->sizes[0] : 1, hi = r->nsizes ? r->sizes[r->nsizes - 1] : 1;
    bool logx = hi >= 16 * lo;
    double x0 = logx ? log((double)lo) : (double)lo, x1 = logx ? log((double)hi) : (double)hi;
    if (x1 <= x0)
        x1 = x0 + 1;
    double pw = W - L - R, ph = H - T - B;
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Miss-ratio curves: ", f);
    put_text(f, title);
    fputs("</title>\n<style>body{font-family:sans-serif;margin:20px} text{font-size:12px}</style>\n"
          "</head><body>\n<h1>Miss-ratio curves</h1>\n<p>", f);
    put_text(f, title);
    fprintf(f, ": %llu references, %llu pages, %s</p>\n", (unsigned long long)r->refs,
            (unsigned long long)r->footprint, r->rate < 1 ? "SHARDS-sampled" : "exact");
    fprintf(f, "<svg id=\"mrc\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">\n", W, H);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#888\"/>\n",
            L, T, pw, ph);
    for (int i = 0; i <= 4; i++) {
        double y = T + ph - ph * i / 4;
        fprintf(f, "<line x1=\"%d\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                   "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n",
                L, L + pw, y, y, L - 6, y + 4, i / 4.0);
    }
    for (int i = 0; i <= 4; i++) {
        double xv = x0 + (x1 - x0) * i / 4;
        double size = logx ? exp(xv) : xv;
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>\n",
                L + pw * i / 4, H - B + 16, size);
    }
    fprintf(f, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">memory size (pages%s)</text>\n",
            L + pw / 2, H - 6, logx ? ", log scale" : "");
    fprintf(f, "<text x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\" text-anchor=\"middle\">miss ratio</text>\n",
            T + ph / 2, T + ph / 2);
    for (int p = 0; p < MRC_NPOL; p++) {
        fprintf(f, "<polyline class=\"curve\" data-policy=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                mrc_policy_names[p], colors[p]);
        for (uint64_t i = 0; i < r->nsizes; i++) {
            double xv = logx ? log((double)r->sizes[i]) : (double)r->sizes[i];
            double ratio = r->ratio[p][i] > 1 ? 1 : r->ratio[p][i];
            fprintf(f, "%.2f,%.2f ", L + pw * (xv - x0) / (x1 - x0), T + ph - ph * ratio);
        }
        fprintf(f, "\"/>\n<text x=\"%.0f\" y=\"%d\" fill=\"%s\">%s</text>\n", L + pw + 12,
                T + 16 + 18 * p, colors[p], mrc_policy_names[p]);
    }
    fprintf(f, "</svg>\n<script type=\"application/json\" id=\"mrc-data\">{\"sizes\":[");
    for (uint64_t i = 0; i < r->nsizes; i++)
        fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)r->sizes[i]);
    fprintf(f, "]");
    for (int p = 0; p < MRC_NPOL; p++) {
        fprintf(f, ",\"%s\":[", mrc_policy_names[p]);
        for (uint64_t i = 0; i < r->nsizes; i++)
            fprintf(f, "%s%.6f", i ? "," : "", r->ratio[p][i]);
        fprintf(f, "]");
    }
    fprintf(f, "}</script>\n</body></html>\n");
    return fclose(f) ? -errno : 0;
}
