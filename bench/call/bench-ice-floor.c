/* bench-ice-floor.c — the "bare minimum" ICE part of call setup: two
 * JaIceAgents (libnice, RFC 8445 + trickle) on 127.0.0.1 in one process.
 * Each run creates both agents, gathers (the candidates trickle to the peer
 * and are held there), then measures from the credentials exchange (what a
 * session-accept delivers) to component 1 CONNECTED on both sides. Prints
 * each run and the median / p90 / min / max in ms. Run on demand only:
 *
 *   build/bench/bench-ice-floor [RUNS]        (default 20)
 */
#include <stdlib.h>

#include "media/ice-agent.h"
#include "tests/support/ja-test-ice.h"

static const char *const loopback_only[] = { "127.0.0.1", NULL };

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_gathered (JaTestIceSide *a, JaTestIceSide *b, guint timeout_ms)
{
  gboolean fired = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &fired);

  while (!(a->gathering_done && b->gathering_done) && !fired)
    g_main_context_iteration (NULL, TRUE);
  if (!fired)
    g_source_remove (id);
  return a->gathering_done && b->gathering_done;
}

static int
cmp_double (const void *x, const void *y)
{
  double a = *(const double *) x, b = *(const double *) y;

  return (a > b) - (a < b);
}

/* Nearest-rank percentile of a sorted array. */
static double
percentile (const double *v, guint n, double p)
{
  guint rank = (guint) (p / 100.0 * n + 0.999999);

  return v[CLAMP (rank, 1, n) - 1];
}

static double
one_run (guint *agent_ms)
{
  JaTestIceSide a = { 0 }, b = { 0 };
  JaIceConfig cfg = { 0 };
  gint64 t0;
  double ms;

  cfg.n_components = 1;
  cfg.host_candidates = TRUE;
  cfg.allow_loopback = TRUE;
  cfg.local_addresses = loopback_only;
  cfg.controlling = TRUE;
  ja_test_ice_side_init (&a, "a", &cfg);
  cfg.controlling = FALSE;
  ja_test_ice_side_init (&b, "b", &cfg);
  a.peer = &b;
  b.peer = &a;
  if (!ja_ice_agent_gather (a.agent, NULL) || !ja_ice_agent_gather (b.agent,
          NULL) || !wait_gathered (&a, &b, 5000)) {
    g_printerr ("gathering failed\n");
    exit (1);
  }
  t0 = g_get_monotonic_time ();
  ja_test_ice_exchange_credentials (&a, &b);
  if (!ja_test_ice_wait_connected (&a, &b, 10000)) {
    g_printerr ("no connection within 10 s\n");
    exit (1);
  }
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  *agent_ms = ja_ice_agent_get_connect_ms (a.agent);
  ja_test_ice_side_clear (&a);
  ja_test_ice_side_clear (&b);
  return ms;
}

int
main (int argc, char **argv)
{
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 20;
  g_autofree double *v = NULL;

  if (runs < 1 || runs > 10000) {
    g_printerr ("usage: %s [RUNS]\n", argv[0]);
    return 2;
  }
  v = g_new (double, runs);
  for (guint i = 0; i < runs; i++) {
    guint agent_ms = 0;

    v[i] = one_run (&agent_ms);
    g_print ("run %2u: %.1f ms (agent connect_ms %u)\n", i + 1, v[i],
        agent_ms);
  }
  qsort (v, runs, sizeof *v, cmp_double);
  g_print ("ice-floor: %u runs, credentials -> both CONNECTED: median %.1f ms, "
      "p90 %.1f ms, min %.1f ms, max %.1f ms\n", runs,
      percentile (v, runs, 50), percentile (v, runs, 90), v[0], v[runs - 1]);
  return 0;
}
