/* rate-window.c — see rate-window.h. */
#include "media/rate-window.h"

#define MIN_INTERVAL_US 100000

void
ja_rate_window_update (JaRateWindow *w, gint64 now_us,
                       const guint64 counters[JA_RATE_WINDOW_COUNTERS],
                       double rates_out[JA_RATE_WINDOW_COUNTERS])
{
  gboolean due = w->time == 0 || now_us - w->time > MIN_INTERVAL_US;

  if (w->time != 0 && due) {
    double secs = (now_us - w->time) / 1e6;

    for (guint i = 0; i < JA_RATE_WINDOW_COUNTERS; i++)
      w->rate[i] = (double)(counters[i] - w->last[i]) / secs;
  }
  if (due) {
    w->time = now_us;
    for (guint i = 0; i < JA_RATE_WINDOW_COUNTERS; i++)
      w->last[i] = counters[i];
  }
  for (guint i = 0; i < JA_RATE_WINDOW_COUNTERS; i++)
    rates_out[i] = w->rate[i];
}
