/* test-xmpp-hostile-server.c — the client against a scripted, misbehaving
 * server on loopback (in process, no Prosody): no STARTTLS offered, PLAIN
 * offered in the clear, restricted XML (DTD, comment, processing
 * instruction, entity), an oversized stanza, and a stream error. The client
 * must refuse, answer with the RFC 6120 stream error the case calls for,
 * and report the cause. The same malformed input from a serverless peer
 * (XEP-0174, plaintext on loopback so the script can be read) gets the same
 * stream errors, on the connecting side and on the accepting side, which
 * then waits for the next peer; a peer header without a 'from' JID gets
 * <invalid-from/>. */
#include <string.h>
#include <glib/gstdio.h>

#include "signalling/xmpp/xmpp-stream.h"
#include "tests/support/ja-test-util.h"

#define PEER_HEADER "<?xml version='1.0'?><stream:stream " \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " \
  "from='bob@peer.test' version='1.0'>"
#define HEADER "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost' " \
  "version='1.0'>"

typedef struct {
  GSocketService *service;
  guint16 port;
  const char *script;     /* sent after the client's first bytes */
  GString *received;      /* everything the client sent */
  GSocketConnection *conn;
  gboolean sent;
  gboolean eof;
  guint8 buf[4096];
} Server;

static void read_more (Server *s);

static void
read_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Server *s = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, NULL);

  if (n <= 0) {
    s->eof = TRUE;
    return;
  }
  g_string_append_len (s->received, (const char *) s->buf, n);
  if (!s->sent) {
    s->sent = TRUE;
    g_output_stream_write_all (g_io_stream_get_output_stream (
            G_IO_STREAM (s->conn)), s->script, strlen (s->script), NULL, NULL,
        NULL);
  }
  read_more (s);
}

static void
read_more (Server *s)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (
          G_IO_STREAM (s->conn)), s->buf, sizeof s->buf, G_PRIORITY_DEFAULT,
      NULL, read_cb, s);
}

static gboolean
incoming_cb (GSocketService *service, GSocketConnection *conn,
    GObject *source, gpointer data)
{
  Server *s = data;

  s->conn = g_object_ref (conn);
  read_more (s);
  return TRUE;
}

static Server *
server_new (const char *script)
{
  Server *s = g_new0 (Server, 1);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (
      G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  s->script = script;
  s->received = g_string_new (NULL);
  s->service = g_socket_service_new ();
  g_assert_true (g_socket_listener_add_address (
          G_SOCKET_LISTENER (s->service), addr, G_SOCKET_TYPE_STREAM,
          G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL));
  s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (s->service, "incoming", G_CALLBACK (incoming_cb), s);
  g_socket_service_start (s->service);
  return s;
}

static void
server_free (Server *s)
{
  g_socket_service_stop (s->service);
  g_socket_listener_close (G_SOCKET_LISTENER (s->service));
  g_object_unref (s->service);
  if (s->conn != NULL) {
    g_io_stream_close (G_IO_STREAM (s->conn), NULL, NULL);
    /* Let the pending read see the close before the buffer goes. */
    ja_test_wait_flag (&s->eof, 2000);
    g_object_unref (s->conn);
  }
  g_string_free (s->received, TRUE);
  g_free (s);
}

/* Connect to the script; returns the client's error. */
static GError *
run_script (Server *s, gboolean allow_plaintext)
{
  JaXmppStreamConfig cfg = { 0 };
  g_autoptr (JaXmppStream) stream = NULL;
  GError *error = NULL;

  cfg.jid = g_strdup ("alice@localhost");
  cfg.password = g_strdup ("pencil");
  cfg.server_host = g_strdup ("127.0.0.1");
  cfg.server_port = s->port;
  cfg.allow_plaintext = allow_plaintext;
  cfg.connect_timeout_ms = 5000;
  stream = ja_xmpp_stream_new (&cfg);
  ja_xmpp_stream_config_clear (&cfg);
  g_assert_false (ja_test_connect_stream (stream, &error));
  g_assert_nonnull (error);
  return error;
}

static void
test_no_starttls (void)
{
  Server *s = server_new (HEADER "<stream:features><mechanisms xmlns="
      "'urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>"
      "</mechanisms></stream:features>");
  g_autoptr (GError) error = run_script (s, FALSE);

  g_assert_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_PLAINTEXT);
  g_assert_nonnull (strstr (error->message, "does not offer STARTTLS"));
  /* Nothing was authenticated in the clear. */
  g_assert_null (strstr (s->received->str, "<auth"));
  server_free (s);
}

static void
test_plain_in_the_clear (void)
{
  Server *s = server_new (HEADER "<stream:features><mechanisms xmlns="
      "'urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
      "</mechanisms></stream:features>");
  g_autoptr (GError) error = run_script (s, TRUE);

  /* --allow-plaintext on loopback never sends a password in the clear. */
  g_assert_error (error, JA_XMPP_STREAM_ERROR,
      JA_XMPP_STREAM_ERROR_NO_MECHANISM);
  g_assert_null (strstr (s->received->str, "<auth"));
  server_free (s);
}

/* The same as a serverless peer, connecting to the script. */
static GError *
run_script_direct (Server *s)
{
  JaXmppStreamConfig cfg = { 0 };
  g_autoptr (JaXmppStream) stream = NULL;
  GError *error = NULL;

  cfg.jid = g_strdup ("alice@localhost");
  cfg.direct_peer = g_strdup_printf ("127.0.0.1:%u", s->port);
  cfg.insecure_plaintext = TRUE;
  cfg.connect_timeout_ms = 5000;
  stream = ja_xmpp_stream_new (&cfg);
  ja_xmpp_stream_config_clear (&cfg);
  g_assert_false (ja_test_connect_stream (stream, &error));
  g_assert_nonnull (error);
  return error;
}

static void
assert_stream_error_from (const char *script, const char *condition,
    gboolean direct)
{
  Server *s = server_new (script);
  g_autoptr (GError) error = direct ? run_script_direct (s)
      : run_script (s, FALSE);
  g_autofree char *want = g_strdup_printf ("<%s xmlns="
      "'urn:ietf:params:xml:ns:xmpp-streams'/>", condition);

  g_assert_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_PROTOCOL);
  ja_test_wait_flag (&s->eof, 2000);
  if (strstr (s->received->str, want) == NULL)
    g_error ("expected %s in what the client sent: %s", want,
        s->received->str);
  g_assert_true (g_str_has_suffix (s->received->str, "</stream:stream>"));
  server_free (s);
}

static void
assert_stream_error (const char *script, const char *condition)
{
  assert_stream_error_from (script, condition, FALSE);
}

static void
test_restricted_xml (void)
{
  assert_stream_error ("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]>"
      HEADER, "restricted-xml");
  assert_stream_error (HEADER "<!-- a comment -->", "restricted-xml");
  assert_stream_error (HEADER "<?pi data?>", "restricted-xml");
}

static void
test_not_well_formed (void)
{
  assert_stream_error (HEADER "<stream:features><a></b>", "not-well-formed");
}

static void
test_oversized_stanza (void)
{
  g_autoptr (GString) big = g_string_new (HEADER "<stream:features><x>");

  for (guint i = 0; i < 300 * 1024 / 16; i++)
    g_string_append (big, "aaaaaaaaaaaaaaaa");
  g_string_append (big, "</x></stream:features>");
  assert_stream_error (big->str, "policy-violation");
}

static void
test_server_stream_error (void)
{
  Server *s = server_new (HEADER "<stream:error><host-unknown xmlns="
      "'urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns="
      "'urn:ietf:params:xml:ns:xmpp-streams'>no such host</text>"
      "</stream:error></stream:stream>");
  g_autoptr (GError) error = run_script (s, FALSE);

  g_assert_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_STREAM);
  g_assert_nonnull (strstr (error->message, "host-unknown"));
  g_assert_nonnull (strstr (error->message, "no such host"));
  server_free (s);
}

/* ---- a serverless peer ---------------------------------------------------- */

static void
test_direct_peer_connecting (void)
{
  g_autoptr (GString) big = g_string_new (PEER_HEADER "<stream:features><x>");

  assert_stream_error_from ("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a "
      "'b'>]>" PEER_HEADER, "restricted-xml", TRUE);
  assert_stream_error_from (PEER_HEADER "<!-- a comment -->",
      "restricted-xml", TRUE);
  assert_stream_error_from (PEER_HEADER "<stream:features><a></b>",
      "not-well-formed", TRUE);
  for (guint i = 0; i < 300 * 1024 / 16; i++)
    g_string_append (big, "aaaaaaaaaaaaaaaa");
  g_string_append (big, "</x></stream:features>");
  assert_stream_error_from (big->str, "policy-violation", TRUE);
  assert_stream_error_from (HEADER "<stream:features/>", "invalid-from", TRUE);
}

typedef struct {
  GString *got;
  gboolean eof;
} Exchange;

static gboolean
exchange_done (gpointer data)
{
  return ((Exchange *) data)->eof;
}

static gboolean
exchange_read_cb (GSocket *socket, GIOCondition cond, gpointer data)
{
  Exchange *x = data;
  char buf[4096];
  gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);

  if (n <= 0) {
    x->eof = TRUE;
    return G_SOURCE_REMOVE;
  }
  g_string_append_len (x->got, buf, n);
  return G_SOURCE_CONTINUE;
}

/* A hostile peer connecting to a listening stream: what it got back
 * (transfer full), read until the listener closes (or 5 s). */
static GString *
peer_sends (JaXmppStream *listener, const char *script, gboolean then_close)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GSource) src = NULL;
  Exchange x = { g_string_new (NULL), FALSE };
  GSocket *sock;

  conn = g_socket_client_connect_to_host (client,
      ja_xmpp_stream_get_listen_address (listener), 0, NULL, NULL);
  g_assert_nonnull (conn);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (
              G_IO_STREAM (conn)), script, strlen (script), NULL, NULL, NULL));
  sock = g_socket_connection_get_socket (conn);
  g_socket_set_blocking (sock, FALSE);
  src = g_socket_create_source (sock, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (src, G_SOURCE_FUNC (exchange_read_cb), &x, NULL);
  g_source_attach (src, NULL);
  if (then_close)
    ja_test_wait_until (exchange_done, &x, 5000);
  else
    ja_test_wait_until (exchange_done, &x, 300);
  g_source_destroy (src);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  return x.got;
}

static gboolean
listening_cb (gpointer data)
{
  return ja_xmpp_stream_get_listen_address (data) != NULL
      && !ja_xmpp_stream_is_ready (data);
}

static void
assert_listener_error (JaXmppStream *listener, const char *script,
    const char *condition)
{
  g_autoptr (GString) got = peer_sends (listener, script, TRUE);
  g_autofree char *want = g_strdup_printf ("<%s xmlns="
      "'urn:ietf:params:xml:ns:xmpp-streams'/>", condition);

  if (strstr (got->str, want) == NULL)
    g_error ("expected %s from the listener: %s", want, got->str);
  g_assert_true (g_str_has_suffix (got->str, "</stream:stream>"));
  /* The listener survives the peer and waits for the next one. */
  g_assert_true (ja_test_wait_until (listening_cb, listener, 2000));
}

static void
test_direct_peer_accepting (void)
{
  JaXmppStreamConfig cfg = { 0 };
  g_autoptr (JaXmppStream) listener = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ja-hostile-XXXXXX", NULL);
  g_autofree char *identity = g_build_filename (dir, "identity.pem", NULL);
  g_autofree char *known = g_build_filename (dir, "known_peers", NULL);
  g_autoptr (GString) big = g_string_new (PEER_HEADER "<message><body>");
  g_autoptr (GString) fine = NULL;

  cfg.jid = g_strdup ("alice@localhost");
  cfg.direct_listen = g_strdup ("127.0.0.1:0");
  cfg.insecure_plaintext = TRUE;
  cfg.identity_file = g_strdup (identity);
  cfg.known_peers_file = g_strdup (known);
  cfg.connect_timeout_ms = 5000;
  listener = ja_xmpp_stream_new (&cfg);
  ja_xmpp_stream_config_clear (&cfg);
  g_assert_true (ja_test_connect_stream (listener, &error));
  g_assert_no_error (error);

  assert_listener_error (listener, PEER_HEADER "<!-- a comment -->",
      "restricted-xml");
  assert_listener_error (listener, PEER_HEADER "<a></b>", "not-well-formed");
  for (guint i = 0; i < 300 * 1024 / 16; i++)
    g_string_append (big, "aaaaaaaaaaaaaaaa");
  g_string_append (big, "</body></message>");
  assert_listener_error (listener, big->str, "policy-violation");
  assert_listener_error (listener, HEADER, "invalid-from");
  assert_listener_error (listener, PEER_HEADER "<stream:features/>",
      "unsupported-stanza-type");
  assert_listener_error (listener, PEER_HEADER
      "<bogus xmlns='urn:example:bogus'/>", "unsupported-stanza-type");
  /* After all that, a well-behaved peer still gets a session. */
  fine = peer_sends (listener, PEER_HEADER, FALSE);
  g_assert_nonnull (strstr (fine->str, "to='bob@peer.test"));
  g_assert_nonnull (strstr (fine->str, "<stream:features/>"));
  g_remove (identity);
  g_remove (known);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/integration/xmpp/hostile/no-starttls", test_no_starttls);
  g_test_add_func ("/integration/xmpp/hostile/plain-in-the-clear",
      test_plain_in_the_clear);
  g_test_add_func ("/integration/xmpp/hostile/restricted-xml",
      test_restricted_xml);
  g_test_add_func ("/integration/xmpp/hostile/not-well-formed",
      test_not_well_formed);
  g_test_add_func ("/integration/xmpp/hostile/oversized-stanza",
      test_oversized_stanza);
  g_test_add_func ("/integration/xmpp/hostile/stream-error",
      test_server_stream_error);
  g_test_add_func ("/integration/xmpp/hostile/direct-peer-connecting",
      test_direct_peer_connecting);
  g_test_add_func ("/integration/xmpp/hostile/direct-peer-accepting",
      test_direct_peer_accepting);
  return g_test_run ();
}
