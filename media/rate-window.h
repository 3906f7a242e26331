/* rate-window.h — the per-second rates behind the engines' stats: each
 * get_stats call reports, for a few running counters (bytes sent, bytes
 * received, frames decoded), their rate since the previous call at least
 * 100 ms earlier. Pure. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JA_RATE_WINDOW_COUNTERS 3

typedef struct {
  gint64 time; /* µs of the last snapshot; 0 before the first */
  guint64 last[JA_RATE_WINDOW_COUNTERS];
  double rate[JA_RATE_WINDOW_COUNTERS]; /* per second */
} JaRateWindow;

/* counters: their values now (unused ones 0). The rates are updated when
 * the last snapshot is over 100 ms old (a closer call reports the previous
 * rates); rates_out gets them per second. */
void ja_rate_window_update (JaRateWindow *w, gint64 now_us,
                            const guint64 counters[JA_RATE_WINDOW_COUNTERS],
                            double rates_out[JA_RATE_WINDOW_COUNTERS]);

G_END_DECLS
