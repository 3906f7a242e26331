/* bench-ice-floor.c — the "bare minimum" of call setup: two JaIceAgents
 * (libnice, RFC 8445 + trickle) on 127.0.0.1 in one process, then a JaDtls
 * handshake (GnuTLS DTLS-SRTP, the agent's own code) over the connected ICE
 * component — no XMPP, no GStreamer. The roles are those of a call: side A
 * is the initiator (ICE controlling, DTLS server: it offered actpass and
 * the answer said active), side B the responder (ICE controlled, DTLS
 * client: it sends its ClientHello once its component is CONNECTED, as
 * plugins/ice-udp does). Both certificates exist before the runs (the agent
 * loads its own at start-up) and each side knows the other's fingerprint
 * (the caller learns it from the session-accept, which also brings the
 * credentials).
 *
 * Each run creates both agents, gathers (the candidates trickle to the peer
 * and are held there), then measures from the credentials exchange (what a
 * session-accept delivers) to:
 *   ice       component 1 CONNECTED on both sides;
 *   dtls      B's ClientHello → both handshakes done (SRTP keys exported);
 *   ice+dtls  the credentials → both handshakes done.
 * Prints each run and the median / p90 / min / max in ms. Run on demand:
 *
 *   build/bench/bench-ice-floor [RUNS]        (default 20)
 */
#include <stdlib.h>

#include "media/dtls.h"
#include "media/ice-agent.h"
#include "tests/support/ja-test-ice.h"

static const char *const loopback_only[] = { "127.0.0.1", NULL };

typedef struct {
  JaTestIceSide *ice;
  JaDtls *dtls;
  guint fed;                    /* ice->received entries given to dtls */
  gboolean started;
  gint64 done_at;               /* µs, 0 until the handshake ended */
} DtlsSide;

typedef struct {
  double ice, dtls, total;
  guint agent_connect_ms;
  guint64 client_handshake_us;
} Run;

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

static gboolean
dtls_send_cb (const guint8 *data, gsize len, gpointer user_data)
{
  DtlsSide *side = user_data;

  return ja_ice_agent_send (side->ice->agent, 1, data, len, NULL);
}

static void
dtls_done_cb (JaDtls *dtls, JaSrtpKeys *keys, const GError *error,
    gpointer user_data)
{
  DtlsSide *side = user_data;

  if (keys == NULL) {
    g_printerr ("DTLS (%s): %s\n", side->ice->name,
        error != NULL ? error->message : "failed");
    exit (1);
  }
  side->done_at = g_get_monotonic_time ();
  ja_srtp_keys_free (keys);
}

static void
dtls_side_init (DtlsSide *side, JaTestIceSide *ice, JaDtlsCert *cert,
    JaDtlsRole role, JaDtlsCert *peer_cert)
{
  g_autoptr (GError) error = NULL;

  side->ice = ice;
  side->dtls = ja_dtls_new (cert, role, ja_dtls_cert_get_hash_name (peer_cert),
      ja_dtls_cert_get_fingerprint (peer_cert), dtls_send_cb, dtls_done_cb,
      side, &error);
  if (side->dtls == NULL) {
    g_printerr ("ja_dtls_new: %s\n", error->message);
    exit (1);
  }
}

/* Hands the datagrams received since the last call to the handshake. */
static void
feed (DtlsSide *side)
{
  GPtrArray *rx = side->ice->received;

  for (; side->fed < rx->len; side->fed++) {
    gsize len;
    const guint8 *d = g_bytes_get_data (g_ptr_array_index (rx, side->fed),
        &len);

    if (ja_dtls_is_dtls_packet (d, len))
      ja_dtls_receive (side->dtls, d, len);
  }
}

static void
one_run (JaDtlsCert *cert_a, JaDtlsCert *cert_b, Run *out)
{
  JaTestIceSide a = { 0 }, b = { 0 };
  DtlsSide da = { 0 }, db = { 0 };
  JaIceConfig cfg = { 0 };
  gboolean fired = FALSE;
  gint64 t0, t_ice = 0, t_client = 0;
  guint id;

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
  dtls_side_init (&da, &a, cert_a, JA_DTLS_ROLE_SERVER, cert_b);
  dtls_side_init (&db, &b, cert_b, JA_DTLS_ROLE_CLIENT, cert_a);
  ja_dtls_start (da.dtls);      /* a server only waits */

  id = g_timeout_add (10000, timeout_cb, &fired);
  t0 = g_get_monotonic_time ();
  ja_test_ice_exchange_credentials (&a, &b);
  while (!(da.done_at != 0 && db.done_at != 0) && !fired) {
    g_main_context_iteration (NULL, TRUE);
    if (t_ice == 0 && ja_test_ice_side_connected (&a)
        && ja_test_ice_side_connected (&b))
      t_ice = g_get_monotonic_time ();
    if (!db.started && ja_test_ice_side_connected (&b)) {
      db.started = TRUE;
      t_client = g_get_monotonic_time ();
      ja_dtls_start (db.dtls);
    }
    feed (&da);
    feed (&db);
  }
  if (fired) {
    g_printerr ("no ICE + DTLS within 10 s (ice %s)\n",
        t_ice != 0 ? "connected" : "not connected");
    exit (1);
  }
  g_source_remove (id);
  if (t_ice == 0)               /* DTLS ended before A reported CONNECTED */
    t_ice = MAX (da.done_at, db.done_at);
  out->ice = (t_ice - t0) / 1000.0;
  out->dtls = (MAX (da.done_at, db.done_at) - t_client) / 1000.0;
  out->total = (MAX (da.done_at, db.done_at) - t0) / 1000.0;
  out->agent_connect_ms = ja_ice_agent_get_connect_ms (a.agent);
  out->client_handshake_us = ja_dtls_get_handshake_us (db.dtls);
  ja_dtls_free (da.dtls);
  ja_dtls_free (db.dtls);
  ja_test_ice_side_clear (&a);
  ja_test_ice_side_clear (&b);
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

static void
summary (const char *name, const char *what, double *v, guint n)
{
  qsort (v, n, sizeof *v, cmp_double);
  g_print ("%s: %u runs, %s: median %.1f ms, p90 %.1f ms, min %.1f ms, "
      "max %.1f ms\n", name, n, what, percentile (v, n, 50),
      percentile (v, n, 90), v[0], v[n - 1]);
}

int
main (int argc, char **argv)
{
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 20;
  g_autofree double *ice = NULL, *dtls = NULL, *total = NULL;
  g_autoptr (JaDtlsCert) cert_a = NULL;
  g_autoptr (JaDtlsCert) cert_b = NULL;
  g_autoptr (GError) error = NULL;

  if (runs < 1 || runs > 10000) {
    g_printerr ("usage: %s [RUNS]\n", argv[0]);
    return 2;
  }
  cert_a = ja_dtls_cert_load_or_create (NULL, &error);
  cert_b = cert_a != NULL ? ja_dtls_cert_load_or_create (NULL, &error) : NULL;
  if (cert_b == NULL) {
    g_printerr ("certificate: %s\n", error->message);
    return 1;
  }
  ice = g_new (double, runs);
  dtls = g_new (double, runs);
  total = g_new (double, runs);
  for (guint i = 0; i < runs; i++) {
    Run r = { 0 };

    one_run (cert_a, cert_b, &r);
    ice[i] = r.ice;
    dtls[i] = r.dtls;
    total[i] = r.total;
    g_print ("run %2u: ice %.1f ms (agent connect_ms %u), dtls %.2f ms "
        "(client handshake %.2f ms), ice+dtls %.1f ms\n", i + 1, r.ice,
        r.agent_connect_ms, r.dtls, r.client_handshake_us / 1000.0, r.total);
  }
  summary ("ice-floor", "credentials -> both CONNECTED", ice, runs);
  summary ("dtls-floor", "ClientHello -> both DTLS done", dtls, runs);
  summary ("ice-dtls-floor", "credentials -> both DTLS done (SRTP keys)",
      total, runs);
  return 0;
}
