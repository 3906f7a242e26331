/* test-xmpp-client.c — the XMPP client against the real Prosody on loopback
 * (started by .ci/test): STARTTLS and direct TLS logins, certificate and
 * password failures, channel binding over TLS 1.2, disco#info and caps
 * between two agents, ping both ways, an unknown request answered with
 * service-unavailable, XEP-0198 resumption after the TCP connection is
 * cut under a running session with no stanza lost, and the TLS records of
 * a large stanza (whole 4 KiB records, for Prosody's reader). */
#include <string.h>
#include <stdlib.h>
#include <poll.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "signalling/xmpp/caps.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-stream.h"
#include "tests/support/ja-test-relay.h"
#include "tests/support/ja-test-resolver.h"
#include "tests/support/ja-test-util.h"

static JaXmppStream *
new_stream (const char *user, gboolean direct_tls, guint16 port,
    void (*tweak) (JaXmppStreamConfig *cfg))
{
  JaXmppStreamConfig cfg;
  JaXmppStream *stream;

  ja_test_stream_config (&cfg, user, direct_tls, port);
  if (tweak != NULL)
    tweak (&cfg);
  stream = ja_xmpp_stream_new (&cfg);
  ja_xmpp_stream_config_clear (&cfg);
  return stream;
}

static void
closed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_assert_true (ja_xmpp_stream_close_finish (JA_XMPP_STREAM (source), res,
          NULL));
  *(gboolean *) user_data = TRUE;
}

/* A clean close: </stream:stream> both ways (RFC 6120 §4.4). */
static void
close_stream (JaXmppStream *stream)
{
  gboolean done = FALSE;

  ja_xmpp_stream_close_async (stream, closed_cb, &done);
  g_assert_true (ja_test_wait_flag (&done, 5000));
  g_object_unref (stream);
}

static void
assert_logged_in (JaXmppStream *s, const char *user)
{
  g_autofree char *prefix = g_strdup_printf ("%s@%s/", user,
      ja_test_env ("JA_TEST_DOMAIN"));

  g_assert_true (ja_xmpp_stream_is_ready (s));
  g_assert_true (g_str_has_prefix (ja_xmpp_stream_get_bound_jid (s), prefix));
  g_assert_nonnull (ja_xmpp_stream_get_tls_version (s));
  g_assert_nonnull (strstr (ja_xmpp_stream_get_tls_verification (s),
          "verified for 'localhost'"));
  g_assert_true (g_str_has_prefix (ja_xmpp_stream_get_sasl_mechanism (s),
          "SCRAM-SHA-"));
}

static void
test_starttls (void)
{
  g_autoptr (JaXmppStream) s = new_stream ("alice", FALSE, 0, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_test_connect_stream (s, &error));
  g_assert_no_error (error);
  assert_logged_in (s, "alice");
  g_assert_false (ja_xmpp_stream_is_direct_tls (s));
  g_assert_true (ja_xmpp_stream_sm_enabled (s));
  close_stream (g_steal_pointer (&s));
}

static void
test_direct_tls (void)
{
  g_autoptr (JaXmppStream) s = new_stream ("alice", TRUE, 0, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_test_connect_stream (s, &error));
  g_assert_no_error (error);
  assert_logged_in (s, "alice");
  g_assert_true (ja_xmpp_stream_is_direct_tls (s));
  close_stream (g_steal_pointer (&s));
}

static void
wrong_password (JaXmppStreamConfig *cfg)
{
  g_free (cfg->password);
  cfg->password = g_strdup ("certainly-not-the-password");
}

static void
test_wrong_password (void)
{
  g_autoptr (JaXmppStream) s = new_stream ("alice", FALSE, 0, wrong_password);
  g_autoptr (GError) error = NULL;

  g_assert_false (ja_test_connect_stream (s, &error));
  g_assert_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "not-authorized"));
}

static void
no_ca (JaXmppStreamConfig *cfg)
{
  g_clear_pointer (&cfg->ca_file, g_free);
}

static void
test_untrusted_certificate (void)
{
  g_autoptr (JaXmppStream) s = new_stream ("alice", FALSE, 0, no_ca);
  g_autoptr (GError) error = NULL;

  g_assert_false (ja_test_connect_stream (s, &error));
  g_assert_error (error, JA_XMPP_STREAM_ERROR,
      JA_XMPP_STREAM_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "not trusted"));
  /* Nothing was authenticated on an unverified channel. */
  g_assert_null (ja_xmpp_stream_get_sasl_mechanism (s));
}

static void
tls12_only (JaXmppStreamConfig *cfg)
{
  cfg->tls_priority = g_strdup ("NORMAL:-VERS-TLS1.3");
}

static void
test_scram_plus (void)
{
  g_autoptr (JaXmppStream) s = new_stream ("alice", FALSE, 0, tls12_only);
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_test_connect_stream (s, &error));
  g_assert_no_error (error);
  /* Prosody 0.12 offers SCRAM-SHA-1-PLUS (tls-unique) over TLS 1.2 only. */
  g_assert_cmpstr (ja_xmpp_stream_get_tls_version (s), ==, "TLS1.2");
  g_assert_cmpstr (ja_xmpp_stream_get_sasl_mechanism (s), ==,
      "SCRAM-SHA-1-PLUS");
  g_assert_cmpstr (ja_xmpp_stream_get_cb_type (s), ==, "tls-unique");
  close_stream (g_steal_pointer (&s));
}

/* ---- two agents --------------------------------------------------------- */

typedef struct {
  gboolean done;
  JaXmlNode *reply;
  GError *error;
} IqWait;

static void
iq_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  IqWait *w = user_data;

  w->reply = ja_xmpp_stream_iq_finish (JA_XMPP_STREAM (source), res,
      &w->error);
  w->done = TRUE;
}

static JaXmlNode *
iq_get (JaXmppStream *from, const char *to, const char *name, const char *ns,
    GError **error)
{
  JaXmlNode *iq = ja_xml_node_new ("iq", JA_NS_CLIENT);
  IqWait w = { FALSE, NULL, NULL };

  ja_xml_node_set_attr (iq, "type", "get");
  ja_xml_node_set_attr (iq, "to", to);
  ja_xml_node_add_new (iq, name, ns);
  ja_xmpp_stream_iq_async (from, iq, NULL, iq_cb, &w);
  g_assert_true (ja_test_wait_flag (&w.done, 15000));
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.reply;
}

static void
test_disco_and_ping (void)
{
  JaXmppStream *alice = ja_test_connect ("alice");
  JaXmppStream *bob = ja_test_connect ("bob");
  const char *bob_jid = ja_xmpp_stream_get_bound_jid (bob);
  const char *alice_jid = ja_xmpp_stream_get_bound_jid (alice);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) info = NULL;
  g_autoptr (JaXmlNode) pong = NULL;
  g_autoptr (JaXmlNode) pong2 = NULL;
  g_autofree char *hash = NULL;
  JaXmlNode *query;
  guint n_features = 0;

  info = iq_get (alice, bob_jid, "query", JA_NS_DISCO_INFO, &error);
  g_assert_no_error (error);
  query = ja_xml_node_find (info, "query", JA_NS_DISCO_INFO);
  g_assert_nonnull (query);
  /* Exactly the features the agent implements, no more. */
  for (guint i = 0; i < ja_xml_node_get_n_children (query); i++) {
    JaXmlNode *c = ja_xml_node_get_child (query, i);

    if (g_str_equal (c->name, "feature")) {
      g_assert_true (g_strv_contains (ja_xmpp_stream_get_features (bob),
              ja_xml_node_get_attr (c, "var")));
      n_features++;
    }
  }
  g_assert_cmpuint (n_features, ==,
      g_strv_length ((char **) ja_xmpp_stream_get_features (bob)));
  g_assert_cmpuint (n_features, >=, 3);
  /* The caps hash in bob's presence is the hash of what he answers. */
  hash = ja_caps_hash_from_disco_info (query);
  g_assert_cmpstr (hash, ==, ja_xmpp_stream_get_caps_ver (bob));

  /* XEP-0199 both ways. */
  pong = iq_get (alice, bob_jid, "ping", JA_NS_PING, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ja_xml_node_get_attr (pong, "type"), ==, "result");
  pong2 = iq_get (bob, alice_jid, "ping", JA_NS_PING, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ja_xml_node_get_attr (pong2, "type"), ==, "result");

  close_stream (alice);
  close_stream (bob);
}

static void
test_unknown_request (void)
{
  JaXmppStream *alice = ja_test_connect ("alice");
  JaXmppStream *bob = ja_test_connect ("bob");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) reply = NULL;
  g_autoptr (JaXmlNode) pong = NULL;

  reply = iq_get (alice, ja_xmpp_stream_get_bound_jid (bob), "query",
      "urn:example:nothing-handles-this", &error);
  g_assert_null (reply);
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_SERVICE_UNAVAILABLE);
  g_clear_error (&error);
  /* bob's session lives on. */
  g_assert_true (ja_xmpp_stream_is_ready (bob));
  pong = iq_get (alice, ja_xmpp_stream_get_bound_jid (bob), "ping", JA_NS_PING,
      &error);
  g_assert_no_error (error);
  close_stream (alice);
  close_stream (bob);
}

/* ---- XEP-0198 resumption ------------------------------------------------ */

#define N_BEFORE 25
#define N_DURING 25

typedef struct {
  gboolean seen[N_BEFORE + N_DURING];
  guint received;
  guint duplicates;
  guint lost_signals;
  guint resumed_signals;
  gboolean resumed;
} Counter;

static gboolean
message_cb (const JaXmlNode *stanza, gpointer user_data)
{
  Counter *c = user_data;
  JaXmlNode *body = ja_xml_node_find (stanza, "body", NULL);
  guint64 n;

  if (body == NULL || !g_ascii_string_to_unsigned (ja_xml_node_get_text (body),
          10, 0, N_BEFORE + N_DURING - 1, &n, NULL))
    return FALSE;
  if (c->seen[n])
    c->duplicates++;
  else
    c->received++;
  c->seen[n] = TRUE;
  return TRUE;
}

static void
send_numbered (JaXmppStream *from, const char *to, guint n)
{
  JaXmlNode *msg = ja_xml_node_new ("message", JA_NS_CLIENT);
  JaXmlNode *body = ja_xml_node_add_new (msg, "body", NULL);
  g_autofree char *text = g_strdup_printf ("%u", n);

  ja_xml_node_set_attr (msg, "to", to);
  ja_xml_node_set_attr (msg, "type", "chat");
  ja_xml_node_set_attr_printf (msg, "id", "m%u", n);
  ja_xml_node_set_text (body, text);
  ja_xmpp_stream_send (from, msg);
}

static void
lost_cb (JaXmppStream *s, GError *error, guint retry_ms, Counter *c)
{
  c->lost_signals++;
}

static void
ready_cb (JaXmppStream *s, gboolean resumed, Counter *c)
{
  c->resumed_signals++;
  c->resumed = resumed;
}

static gboolean
lost_once (gpointer data)
{
  return ((Counter *) data)->lost_signals > 0;
}

static gboolean
got_all (gpointer data)
{
  Counter *c = data;

  return c->received == N_BEFORE + N_DURING;
}

static gboolean
got_before (gpointer data)
{
  Counter *c = data;

  return c->received == N_BEFORE;
}

static gboolean
resumable (gpointer data)
{
  return ja_xmpp_stream_sm_resumable (data);
}

static gboolean
all_acked (gpointer data)
{
  return ja_xmpp_stream_get_n_unacked (data) == 0;
}

static void
test_sm_resume_after_cut (void)
{
  JaTestRelay *relay = ja_test_relay_new (ja_test_env ("JA_TEST_HOST"),
      (guint16) atoi (ja_test_env ("JA_TEST_C2S_PORT")));
  JaXmppStream *alice = new_stream ("alice", FALSE,
      ja_test_relay_get_port (relay), NULL);
  JaXmppStream *bob = ja_test_connect ("bob");
  g_autoptr (GError) error = NULL;
  g_autofree char *bob_jid = g_strdup (ja_xmpp_stream_get_bound_jid (bob));
  Counter bob_got = { 0 };
  Counter alice_events = { 0 };
  guint i;

  ja_xmpp_stream_add_stanza_handler (bob, "message", NULL, message_cb,
      &bob_got);
  g_assert_true (ja_test_connect_stream (alice, &error));
  g_assert_no_error (error);
  g_assert_true (ja_xmpp_stream_sm_enabled (alice));
  g_signal_connect (alice, "connection-lost", G_CALLBACK (lost_cb),
      &alice_events);
  g_signal_connect (alice, "ready", G_CALLBACK (ready_cb), &alice_events);

  /* The session is resumable once the server said so (<enabled/>). */
  g_assert_true (ja_test_wait_until (resumable, alice, 10000));
  for (i = 0; i < N_BEFORE; i++)
    send_numbered (alice, bob_jid, i);
  g_assert_true (ja_test_wait_until (got_before, &bob_got, 10000));

  /* Kill the TCP connection under the running session. */
  g_assert_cmpuint (ja_test_relay_cut (relay), ==, 1);
  g_assert_true (ja_test_wait_until (lost_once, &alice_events, 10000));
  g_assert_false (ja_xmpp_stream_is_ready (alice));

  /* Sent during the outage: queued, counted, delivered after resumption. */
  for (; i < N_BEFORE + N_DURING; i++)
    send_numbered (alice, bob_jid, i);

  g_assert_true (ja_test_wait_until (got_all, &bob_got, 20000));
  g_assert_cmpuint (alice_events.resumed_signals, ==, 1);
  g_assert_true (alice_events.resumed);      /* resumed, not a new session */
  g_assert_cmpuint (bob_got.received, ==, N_BEFORE + N_DURING);
  g_assert_cmpuint (bob_got.duplicates, ==, 0);
  /* The server acknowledged everything in the end. */
  g_assert_true (ja_test_wait_until (all_acked, alice, 10000));

  close_stream (alice);
  close_stream (bob);
  ja_test_relay_free (relay);
}

/* ---- SRV (RFC 6120 §3.2.1, XEP-0368) ------------------------------------ */

static void
no_server (JaXmppStreamConfig *cfg)
{
  g_clear_pointer (&cfg->server_host, g_free);
  cfg->server_port = 0;
  cfg->direct_tls = FALSE;
}

static JaXmppStream *
srv_login (JaTestResolver *fake, GError **error)
{
  GResolver *real = g_resolver_get_default ();
  JaXmppStream *s = new_stream ("alice", FALSE, 0, no_server);

  g_resolver_set_default (G_RESOLVER (fake));
  ja_test_connect_stream (s, error);
  g_resolver_set_default (real);
  g_object_unref (real);
  return s;
}

static void
test_srv_direct_tls_first (void)
{
  g_autoptr (JaTestResolver) fake = ja_test_resolver_new ();
  g_autoptr (JaXmppStream) s = NULL;
  g_autoptr (GError) error = NULL;
  const char *host = ja_test_env ("JA_TEST_HOST");

  /* Both records exist; the first unreachable target falls through. */
  ja_test_resolver_add_srv (fake, "xmpps-client", "localhost", host, 1);
  ja_test_resolver_add_srv (fake, "xmpps-client", "localhost", host,
      (guint16) atoi (ja_test_env ("JA_TEST_C2S_TLS_PORT")));
  ja_test_resolver_add_srv (fake, "xmpp-client", "localhost", host,
      (guint16) atoi (ja_test_env ("JA_TEST_C2S_PORT")));
  s = srv_login (fake, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ja_test_resolver_get_queries (fake), ==,
      "xmpps-client,xmpp-client");
  g_assert_true (ja_xmpp_stream_is_direct_tls (s));
  g_assert_true (g_str_has_suffix (ja_xmpp_stream_get_remote_address (s),
          ja_test_env ("JA_TEST_C2S_TLS_PORT")));
  assert_logged_in (s, "alice");
  close_stream (g_steal_pointer (&s));
}

static void
test_srv_starttls_fallback (void)
{
  g_autoptr (JaTestResolver) fake = ja_test_resolver_new ();
  g_autoptr (JaXmppStream) s = NULL;
  g_autoptr (GError) error = NULL;

  ja_test_resolver_add_srv (fake, "xmpp-client", "localhost",
      ja_test_env ("JA_TEST_HOST"),
      (guint16) atoi (ja_test_env ("JA_TEST_C2S_PORT")));
  s = srv_login (fake, &error);
  g_assert_no_error (error);
  g_assert_false (ja_xmpp_stream_is_direct_tls (s));
  assert_logged_in (s, "alice");
  close_stream (g_steal_pointer (&s));
}

/* ---- TLS records of bulk output (xmpp-stream.md, "Bulk output") -------- */

/* A one-connection TCP tap in a thread: relays to the target and keeps
 * what the client sent. */
typedef struct {
  int listen_fd;
  guint16 port, target_port;
  GMutex lock;
  GByteArray *up;             /* client → server bytes */
  GThread *thread;
} Tap;

static gpointer
tap_run (gpointer data)
{
  Tap *t = data;
  struct sockaddr_in a = { .sin_family = AF_INET };
  int c = accept (t->listen_fd, NULL, NULL), s;
  guint8 buf[65536];

  g_assert_cmpint (c, >=, 0);
  s = socket (AF_INET, SOCK_STREAM, 0);
  a.sin_port = htons (t->target_port);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (s, (struct sockaddr *) &a, sizeof a), ==, 0);
  for (;;) {
    struct pollfd p[2] = { { c, POLLIN, 0 }, { s, POLLIN, 0 } };
    int from, to;
    ssize_t n;

    if (poll (p, 2, 20000) <= 0)
      break;
    from = (p[0].revents != 0) ? c : s;
    to = from == c ? s : c;
    n = read (from, buf, sizeof buf);
    if (n <= 0)
      break;
    if (from == c) {
      g_mutex_lock (&t->lock);
      g_byte_array_append (t->up, buf, n);
      g_mutex_unlock (&t->lock);
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write (to, buf + off, n - off);

      if (w <= 0)
        goto out;
      off += w;
    }
  }
out:
  close (c);
  close (s);
  return NULL;
}

static Tap *
tap_new (guint16 target_port)
{
  Tap *t = g_new0 (Tap, 1);
  struct sockaddr_in a = { .sin_family = AF_INET };
  socklen_t len = sizeof a;

  t->target_port = target_port;
  t->up = g_byte_array_new ();
  g_mutex_init (&t->lock);
  t->listen_fd = socket (AF_INET, SOCK_STREAM, 0);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (t->listen_fd, (struct sockaddr *) &a, sizeof a), ==, 0);
  g_assert_cmpint (listen (t->listen_fd, 1), ==, 0);
  g_assert_cmpint (getsockname (t->listen_fd, (struct sockaddr *) &a, &len),
      ==, 0);
  t->port = ntohs (a.sin_port);
  t->thread = g_thread_new ("tap", tap_run, t);
  return t;
}

static void
tap_free (Tap *t)
{
  g_thread_join (t->thread);
  close (t->listen_fd);
  g_byte_array_unref (t->up);
  g_mutex_clear (&t->lock);
  g_free (t);
}

/* The lengths of the application-data records in bytes[from..]. */
static GArray *
app_records (Tap *t, gsize from)
{
  GArray *lens = g_array_new (FALSE, FALSE, sizeof (guint));

  g_mutex_lock (&t->lock);
  for (gsize i = from; i + 5 <= t->up->len;) {
    const guint8 *h = t->up->data + i;
    guint len = (h[3] << 8) | h[4];

    if (i + 5 + len > t->up->len)
      break;
    if (h[0] == 23)
      g_array_append_val (lens, len);
    i += 5 + len;
  }
  g_mutex_unlock (&t->lock);
  return lens;
}

static gsize
tap_len (Tap *t)
{
  gsize n;

  g_mutex_lock (&t->lock);
  n = t->up->len;
  g_mutex_unlock (&t->lock);
  return n;
}

typedef struct {
  Tap *tap;
  gsize mark;
} TapMark;

static gboolean
grew_by_20k (gpointer data)
{
  TapMark *m = data;

  return tap_len (m->tap) >= m->mark + 20000;
}

static void
test_bulk_tls_records (void)
{
  Tap *tap = tap_new ((guint16) atoi (ja_test_env ("JA_TEST_C2S_TLS_PORT")));
  JaXmppStream *s = new_stream ("alice", TRUE, tap->port, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) before = NULL;
  g_autoptr (GArray) after = NULL;
  g_autofree char *body = g_strnfill (20000, 'x');
  JaXmlNode *msg, *b;
  TapMark mark = { tap, 0 };
  guint max = 0, run = 0, best = 0;
  gboolean never = FALSE;

  g_assert_true (ja_test_connect_stream (s, &error));
  g_assert_no_error (error);
  /* Let the login traffic (and the <r/> 200 ms after it) go out first,
   * then one 20 KB stanza. */
  g_assert_false (ja_test_wait_flag (&never, 400));
  mark.mark = tap_len (tap);
  before = app_records (tap, 0);
  msg = ja_xml_node_new ("message", NULL);
  ja_xml_node_set_attr (msg, "to", ja_xmpp_stream_get_domain (s));
  ja_xml_node_set_attr (msg, "type", "normal");
  b = ja_xml_node_add_new (msg, "body", NULL);
  ja_xml_node_set_text (b, body);
  ja_xmpp_stream_send (s, msg);
  g_assert_true (ja_test_wait_until (grew_by_20k, &mark, 5000));
  after = app_records (tap, 0);
  g_assert_cmpuint (after->len, >, before->len);
  /* Every record carries at most 4096 bytes (+ at most 40 of TLS), and
   * the stanza went as a run of full ones, its tail padded (20 KB of body
   * and the envelope fill 5 records, not 4 and a short one). */
  for (guint i = 0; i < after->len; i++)
    max = MAX (max, g_array_index (after, guint, i));
  g_assert_cmpuint (max, >, 4096);
  g_assert_cmpuint (max, <=, 4096 + 40);
  for (guint i = before->len; i < after->len; i++) {
    run = g_array_index (after, guint, i) == max ? run + 1 : 0;
    best = MAX (best, run);
  }
  g_assert_cmpuint (best, >=, 5);
  for (guint i = before->len; i < after->len; i++)
    if (g_array_index (after, guint, i) != max) {
      g_assert_cmpuint (i - before->len, >=, 5);   /* no short tail */
      break;
    }
  close_stream (s);
  tap_free (tap);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/integration/xmpp/login/starttls", test_starttls);
  g_test_add_func ("/integration/xmpp/login/direct-tls", test_direct_tls);
  g_test_add_func ("/integration/xmpp/login/wrong-password",
      test_wrong_password);
  g_test_add_func ("/integration/xmpp/login/untrusted-certificate",
      test_untrusted_certificate);
  g_test_add_func ("/integration/xmpp/login/scram-plus-tls12",
      test_scram_plus);
  g_test_add_func ("/integration/xmpp/srv/direct-tls-first",
      test_srv_direct_tls_first);
  g_test_add_func ("/integration/xmpp/srv/starttls-fallback",
      test_srv_starttls_fallback);
  g_test_add_func ("/integration/xmpp/disco-caps-ping", test_disco_and_ping);
  g_test_add_func ("/integration/xmpp/unknown-request", test_unknown_request);
  g_test_add_func ("/integration/xmpp/sm/resume-after-cut",
      test_sm_resume_after_cut);
  g_test_add_func ("/integration/xmpp/bulk-tls-records",
      test_bulk_tls_records);
  return g_test_run ();
}
