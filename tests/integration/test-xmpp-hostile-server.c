/* test-xmpp-hostile-server.c — the client against a scripted, misbehaving
 * server on loopback (in process, no Prosody): no STARTTLS offered, PLAIN
 * offered in the clear, restricted XML (DTD, comment, processing
 * instruction, entity), an oversized stanza, and a stream error. The client
 * must refuse, answer with the RFC 6120 stream error the case calls for,
 * and report the cause. */
#include <string.h>

#include "signalling/xmpp/xmpp-stream.h"
#include "tests/support/ja-test-util.h"

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

static void
assert_stream_error (const char *script, const char *condition)
{
  Server *s = server_new (script);
  g_autoptr (GError) error = run_script (s, FALSE);
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
  return g_test_run ();
}
