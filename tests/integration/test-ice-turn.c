/* test-ice-turn.c — ICE through the test coturn (RFC 8656 TURN) with the
 * credentials an XMPP client gets from the test Prosody over XEP-0215
 * (mod_turn_external; the turns item from mod_external_services): alice and bob log in, fetch their external services,
 * and two relay-only JaIceAgents (127.0.0.1 only) connect through coturn
 * over TURN/UDP and TURN/TCP: both selected local candidates are relay
 * candidates and datagrams flow both ways intact. With a wrong TURN
 * password no relay candidate is gathered and ICE ends FAILED. TURN over
 * TLS goes through media/turn-tls.c to coturn's TLS port (the "turns" item
 * Prosody advertises): with the test CA both sides relay; with a CA that
 * did not sign coturn's certificate there is no relay and the reason is a
 * certificate error. Needs the servers of tests/integration/servers.sh (a
 * missing one fails). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "media/ice-agent.h"
#include "signalling/xmpp/services.h"
#include "signalling/xmpp/xmpp-stream.h"
#include "tests/support/ja-test-ice.h"
#include "tests/support/ja-test-util.h"

#define CONNECT_TIMEOUT_MS 15000

static const char *const loopback_only[] = { "127.0.0.1", NULL };

typedef struct {
  gboolean done;
  JaServerInfo *info;
  GError *error;
} Discovered;

static void
discovered_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Discovered *d = user_data;

  d->info = ja_xmpp_discover_server_finish (JA_XMPP_STREAM (source), res,
      &d->error);
  d->done = TRUE;
}

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res, NULL);
  *(gboolean *) user_data = TRUE;
}

static char *
read_secret (void)
{
  g_autofree char *secret = NULL;

  g_assert_true (g_file_get_contents (ja_test_env ("JA_TEST_TURN_SECRET_FILE"),
          &secret, NULL, NULL));
  return g_strdup (g_strstrip (secret));
}

/* coturn's use-auth-secret: password = base64(HMAC-SHA1(secret, user)). */
static char *
turn_password (const char *secret, const char *username)
{
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1,
      (const guchar *) secret, strlen (secret));
  guint8 digest[20];
  gsize len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) username, -1);
  g_hmac_get_digest (hmac, digest, &len);
  return g_base64_encode (digest, len);
}

/* Logs USER in, fetches the XEP-0215 services, checks the TURN entry for
 * TRANSPORT ("udp", "tcp", or "tls": the type "turns" over tcp) is the
 * test coturn with valid time-limited credentials, and returns it as a
 * JaIceTurnServer. (transfer full) */
static JaIceTurnServer *
fetch_turn (const char *user, const char *transport)
{
  gboolean tls = g_str_equal (transport, "tls");
  const char *type = tls ? "turns" : "turn";
  const char *port_var = tls ? "JA_TEST_TURNS_PORT" : "JA_TEST_TURN_PORT";

  JaXmppStream *stream = ja_test_connect (user);
  Discovered d = { 0 };
  JaIceTurnServer *turn = NULL;
  g_autofree char *secret = read_secret ();
  gboolean closed = FALSE;

  ja_xmpp_discover_server_async (stream, NULL, discovered_cb, &d);
  g_assert_true (ja_test_wait_flag (&d.done, 20000));
  g_assert_no_error (d.error);
  g_assert_nonnull (d.info);
  g_assert_null (d.info->services_error);
  for (guint i = 0; i < d.info->services->len; i++) {
    const JaExtService *s = g_ptr_array_index (d.info->services, i);
    g_autofree char *expected = NULL;
    gint64 expiry;

    if (g_strcmp0 (s->type, type) != 0
        || g_strcmp0 (s->transport, tls ? "tcp" : transport) != 0)
      continue;
    g_assert_cmpstr (s->host, ==, ja_test_env ("JA_TEST_TURN_HOST"));
    g_assert_cmpuint (s->port, ==, atoi (ja_test_env (port_var)));
    g_assert_nonnull (s->username);
    g_assert_nonnull (s->password);
    /* username <expiry>: in the future, within the configured hour. */
    expiry = g_ascii_strtoll (s->username, NULL, 10);
    g_assert_cmpint (expiry, >, g_get_real_time () / G_USEC_PER_SEC);
    g_assert_cmpint (expiry, <=, g_get_real_time () / G_USEC_PER_SEC + 3600 + 60);
    expected = turn_password (secret, s->username);
    g_assert_cmpstr (s->password, ==, expected);
    turn = g_new0 (JaIceTurnServer, 1);
    turn->host = g_strdup (s->host);
    turn->port = s->port;
    turn->transport = tls ? JA_ICE_TURN_TLS
        : g_str_equal (transport, "tcp") ? JA_ICE_TURN_TCP : JA_ICE_TURN_UDP;
    if (tls) {
      /* Only the test CA: the system store must not be needed. */
      turn->ca_file = g_strdup (ja_test_env ("JA_TEST_CA_FILE"));
      turn->no_system_trust = TRUE;
    }
    turn->username = g_strdup (s->username);
    turn->password = g_strdup (s->password);
  }
  g_assert_nonnull (turn);
  ja_server_info_free (d.info);
  ja_xmpp_stream_close_async (stream, closed_cb, &closed);
  g_assert_true (ja_test_wait_flag (&closed, 5000));
  g_object_unref (stream);
  return turn;
}

static void
relay_config (JaIceConfig *cfg, gboolean controlling, GPtrArray *turns)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->controlling = controlling;
  cfg->n_components = 1;
  cfg->host_candidates = FALSE;
  cfg->relay_only = TRUE;
  cfg->local_addresses = loopback_only;
  cfg->turn_servers = turns;
}

typedef struct {
  JaTestIceSide *a, *b;
  guint n;
} Wait;

static gboolean
both_gathered (gpointer data)
{
  Wait *w = data;

  return w->a->gathering_done && w->b->gathering_done;
}

static gboolean
both_received (gpointer data)
{
  Wait *w = data;

  return w->a->received->len >= w->n && w->b->received->len >= w->n;
}

static gboolean
both_failed (gpointer data)
{
  Wait *w = data;

  return w->a->state == JA_ICE_STATE_FAILED
      && w->b->state == JA_ICE_STATE_FAILED;
}

static void
assert_relayed (JaTestIceSide *side)
{
  g_autoptr (GPtrArray) cands = ja_ice_agent_get_local_candidates (side->agent);

  /* Only relay candidates are offered, all on coturn's loopback relay. */
  g_assert_cmpuint (cands->len, >=, 1);
  for (guint i = 0; i < cands->len; i++) {
    const JaIceCandidate *c = cands->pdata[i];

    g_assert_cmpint (c->type, ==, JA_ICE_CANDIDATE_RELAY);
    g_assert_cmpstr (c->ip, ==, "127.0.0.1");
  }
  g_assert_cmpuint (side->n_local_relay, ==, side->n_local);
  g_assert_nonnull (side->sel_local);
  g_assert_cmpint (side->sel_local->type, ==, JA_ICE_CANDIDATE_RELAY);
  g_assert_cmpint (side->sel_remote->type, ==, JA_ICE_CANDIDATE_RELAY);
}

static void
test_relay (gconstpointer data)
{
  const char *transport = data;
  g_autoptr (GPtrArray) turns_a = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_turn_server_free);
  g_autoptr (GPtrArray) turns_b = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_turn_server_free);
  JaTestIceSide a = { 0 }, b = { 0 };
  JaIceConfig cfg;
  g_autoptr (GError) error = NULL;
  Wait w = { &a, &b, 1 };
  gint64 t0, gathered_ms;
  static const char msg_ab[] = "through coturn, alice to bob";
  static const char msg_ba[] = "through coturn, bob to alice";

  g_ptr_array_add (turns_a, fetch_turn ("alice", transport));
  g_ptr_array_add (turns_b, fetch_turn ("bob", transport));
  relay_config (&cfg, TRUE, turns_a);
  ja_test_ice_side_init (&a, "alice", &cfg);
  relay_config (&cfg, FALSE, turns_b);
  ja_test_ice_side_init (&b, "bob", &cfg);
  a.peer = &b;
  b.peer = &a;

  ja_test_ice_exchange_credentials (&a, &b);
  t0 = g_get_monotonic_time ();
  g_assert_true (ja_ice_agent_gather (a.agent, &error));
  g_assert_no_error (error);
  g_assert_true (ja_ice_agent_gather (b.agent, &error));
  g_assert_no_error (error);
  g_assert_true (ja_test_wait_until (both_gathered, &w, CONNECT_TIMEOUT_MS));
  gathered_ms = (g_get_monotonic_time () - t0) / 1000;
  g_assert_true (ja_test_ice_wait_connected (&a, &b, CONNECT_TIMEOUT_MS));
  assert_relayed (&a);
  assert_relayed (&b);
  g_test_message ("TURN/%s: both gathered after %" G_GINT64_FORMAT " ms; "
      "connect ms alice %u, bob %u", transport, gathered_ms,
      ja_ice_agent_get_connect_ms (a.agent),
      ja_ice_agent_get_connect_ms (b.agent));

  g_assert_true (ja_ice_agent_send (a.agent, 1, (const guint8 *) msg_ab,
          sizeof msg_ab, &error));
  g_assert_no_error (error);
  g_assert_true (ja_ice_agent_send (b.agent, 1, (const guint8 *) msg_ba,
          sizeof msg_ba, &error));
  g_assert_no_error (error);
  g_assert_true (ja_test_wait_until (both_received, &w, 5000));
  g_assert_cmpmem (g_bytes_get_data (b.received->pdata[0], NULL),
      g_bytes_get_size (b.received->pdata[0]), msg_ab, sizeof msg_ab);
  g_assert_cmpmem (g_bytes_get_data (a.received->pdata[0], NULL),
      g_bytes_get_size (a.received->pdata[0]), msg_ba, sizeof msg_ba);

  ja_test_ice_side_clear (&a);
  ja_test_ice_side_clear (&b);
}

static void
test_wrong_credentials (void)
{
  g_autoptr (GPtrArray) turns = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_turn_server_free);
  JaIceTurnServer *turn = fetch_turn ("alice", "udp");
  JaTestIceSide a = { 0 }, b = { 0 };
  JaIceConfig cfg;
  g_autoptr (GError) error = NULL;
  Wait w = { &a, &b, 1 };

  g_free (turn->password);
  turn->password = g_strdup ("not-the-password");
  g_ptr_array_add (turns, turn);
  relay_config (&cfg, TRUE, turns);
  ja_test_ice_side_init (&a, "alice", &cfg);
  relay_config (&cfg, FALSE, turns);
  ja_test_ice_side_init (&b, "bob", &cfg);
  a.peer = &b;
  b.peer = &a;

  ja_test_ice_exchange_credentials (&a, &b);
  g_assert_true (ja_ice_agent_gather (a.agent, &error));
  g_assert_no_error (error);
  g_assert_true (ja_ice_agent_gather (b.agent, &error));
  g_assert_no_error (error);
  g_assert_true (ja_test_wait_until (both_gathered, &w, CONNECT_TIMEOUT_MS));
  g_assert_cmpuint (a.n_local_relay, ==, 0);
  g_assert_cmpuint (b.n_local_relay, ==, 0);
  g_assert_cmpuint (a.n_local, ==, 0);
  g_assert_cmpuint (b.n_local, ==, 0);
  /* Both sides said end-of-candidates with nothing to pair: FAILED. */
  g_assert_true (ja_test_wait_until (both_failed, &w, CONNECT_TIMEOUT_MS));
  g_assert_false (a.was_connected);
  g_assert_false (b.was_connected);
  g_assert_null (a.sel_local);

  ja_test_ice_side_clear (&a);
  ja_test_ice_side_clear (&b);
}

/* A CA of our own that did not sign coturn's certificate (PEM, made with
 * GnuTLS in the state directory). (transfer full) */
static char *
make_other_ca (void)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  guint8 serial[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  gnutls_datum_t pem = { NULL, 0 };
  char *path = g_build_filename (ja_test_env ("JA_TEST_STATE_DIR"),
      "other-ca.pem", NULL);
  time_t now = time (NULL);

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
          GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
  gnutls_x509_crt_set_activation_time (crt, now - 60);
  gnutls_x509_crt_set_expiration_time (crt, now + 3600);
  gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
      "not the test CA", strlen ("not the test CA"));
  gnutls_x509_crt_set_basic_constraints (crt, 1, -1);
  gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN);
  gnutls_x509_crt_set_key (crt, key);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256,
          0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem),
      ==, 0);
  g_assert_true (g_file_set_contents (path, (const char *) pem.data,
          pem.size, NULL));
  gnutls_free (pem.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return path;
}

static gboolean
a_gathered_and_failed (gpointer data)
{
  JaTestIceSide *a = data;

  return a->gathering_done && a->state == JA_ICE_STATE_FAILED;
}

/* TURN over TLS to coturn with a CA that did not sign its certificate: the
 * bridge refuses the server, no relay candidate comes, the relay-only agent
 * fails, and the reason says the certificate is not trusted. */
static void
test_tls_wrong_ca (void)
{
  g_autoptr (GPtrArray) turns = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_ice_turn_server_free);
  JaIceTurnServer *turn = fetch_turn ("alice", "tls");
  JaTestIceSide a = { 0 };
  JaIceConfig cfg;
  g_autoptr (GError) error = NULL;
  const char *reason;
  gint64 t0;

  g_free (turn->ca_file);
  turn->ca_file = make_other_ca ();
  g_ptr_array_add (turns, turn);
  relay_config (&cfg, TRUE, turns);
  ja_test_ice_side_init (&a, "alice", &cfg);
  t0 = g_get_monotonic_time ();
  g_assert_true (ja_ice_agent_gather (a.agent, &error));
  g_assert_no_error (error);
  g_assert_true (ja_test_wait_until (a_gathered_and_failed, &a,
          CONNECT_TIMEOUT_MS));
  g_test_message ("TURN/TLS, wrong CA: gathering done and FAILED after "
      "%" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - t0) / 1000);
  g_assert_cmpuint (a.n_local, ==, 0);
  g_assert_false (a.was_connected);
  reason = ja_ice_agent_get_turn_tls_error (a.agent);
  g_assert_nonnull (reason);
  g_test_message ("reason: %s", reason);
  g_assert_nonnull (strstr (reason, "not trusted"));
  g_assert_nonnull (strstr (reason, "other-ca.pem"));
  ja_test_ice_side_clear (&a);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/ice-turn/relay-udp", "udp", test_relay);
  g_test_add_data_func ("/ice-turn/relay-tcp", "tcp", test_relay);
  g_test_add_func ("/ice-turn/wrong-credentials", test_wrong_credentials);
  g_test_add_data_func ("/ice-turn/relay-tls", "tls", test_relay);
  g_test_add_func ("/ice-turn/tls-wrong-ca", test_tls_wrong_ca);
  return g_test_run ();
}
