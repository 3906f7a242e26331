/* test-s5b-socket.c — the SOCKS5 client and the direct-candidate listener
 * (plugins/s5b/s5b-socket.c) on loopback: the right destination address
 * gets a success reply and its connection is handed over with the bytes
 * that follow; a wrong one (and a raw client asking for it by hand) is
 * refused and never handed over; a dead port fails the client. */
#include <string.h>

#include "plugins/s5b/s5b-socket.h"
#include "plugins/s5b/socks5.h"

#define DST "972b7bf47291ca609517f67f86b5081086052dad"
#define WRONG "1a12fb7bc625e55f3ed5b29a53dbe0e4aa7d80ba"

typedef struct {
  GMainLoop *loop;
  GIOStream *accepted;
  guint n_accepted;
  GIOStream *client;
  GError *error;
  gboolean done;
} Fixture;

static void
accept_cb (GIOStream *conn, gpointer user_data)
{
  Fixture *f = user_data;

  f->n_accepted++;
  g_clear_object (&f->accepted);
  f->accepted = conn;
}

static void
connected_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Fixture *f = user_data;

  f->client = ja_s5b_connect_finish (res, &f->error);
  f->done = TRUE;
}

static void
run_until (Fixture *f, gboolean *flag)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (*flag);
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->accepted);
  g_clear_object (&f->client);
  g_clear_error (&f->error);
}

static void
test_accept (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JaS5bListener) l = ja_s5b_listener_new (DST, accept_cb, &f,
      &error);
  char buf[6] = { 0 };

  g_assert_no_error (error);
  ja_s5b_connect_async ("127.0.0.1", ja_s5b_listener_get_port (l), DST, NULL,
      connected_cb, &f);
  run_until (&f, &f.done);
  g_assert_no_error (f.error);
  g_assert_nonnull (f.client);
  while (f.accepted == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f.n_accepted, ==, 1);
  /* Data flows both ways once the handshake is over. */
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (
              f.client), "hello", 5, NULL, NULL, NULL));
  g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (
              f.accepted), buf, 5, NULL, NULL, NULL));
  g_assert_cmpstr (buf, ==, "hello");
  fixture_clear (&f);
}

static void
test_wrong_dst (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JaS5bListener) l = ja_s5b_listener_new (DST, accept_cb, &f,
      &error);

  g_assert_no_error (error);
  ja_s5b_connect_async ("127.0.0.1", ja_s5b_listener_get_port (l), WRONG,
      NULL, connected_cb, &f);
  run_until (&f, &f.done);
  g_assert_error (f.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_null (f.client);
  /* Let the listener's side finish: nothing is handed over. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  g_assert_cmpuint (f.n_accepted, ==, 0);
  fixture_clear (&f);
}

/* A raw client speaking SOCKS5 by hand with a wrong address (in a thread,
 * while the main context serves the listener): the reply is a refusal and
 * the connection is closed. Returns the REP byte, or 0xff on a failure. */
static gpointer
raw_client_thread (gpointer data)
{
  guint16 port = GPOINTER_TO_UINT (data);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  guint8 buf[JA_SOCKS5_MAX_MESSAGE];
  gsize n, used;
  guint8 rep = 0xff;
  GInputStream *in;
  GOutputStream *out;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL,
      NULL);
  if (conn == NULL)
    return GUINT_TO_POINTER (0xff);
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_socket_set_timeout (g_socket_connection_get_socket (conn), 5);
  n = ja_socks5_build_greeting (buf);
  if (!g_output_stream_write_all (out, buf, n, NULL, NULL, NULL)
      || !g_input_stream_read_all (in, buf, 2, &n, NULL, NULL) || n != 2
      || ja_socks5_parse_method (buf, 2, &used) != JA_SOCKS5_OK)
    return GUINT_TO_POINTER (0xff);
  n = ja_socks5_build_connect (WRONG, 0, buf, sizeof buf);
  if (!g_output_stream_write_all (out, buf, n, NULL, NULL, NULL)
      || !g_input_stream_read_all (in, buf, 7 + 40, &n, NULL, NULL)
      || ja_socks5_parse_reply (buf, n, &used, &rep) != JA_SOCKS5_OK)
    return GUINT_TO_POINTER (0xff);
  /* Then the end of the stream: nothing is served. */
  if (g_input_stream_read (in, buf, 1, NULL, NULL) != 0)
    return GUINT_TO_POINTER (0xfe);
  return GUINT_TO_POINTER ((guint) rep);
}

static void
test_raw_wrong_dst (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JaS5bListener) l = ja_s5b_listener_new (DST, accept_cb, &f,
      &error);
  GThread *th;
  guint rep;

  g_assert_no_error (error);
  th = g_thread_new ("raw-socks5", raw_client_thread,
      GUINT_TO_POINTER (ja_s5b_listener_get_port (l)));
  for (int i = 0; i < 500; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  rep = GPOINTER_TO_UINT (g_thread_join (th));
  g_assert_cmpuint (rep, ==, JA_SOCKS5_REP_NOT_ALLOWED);
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  g_assert_cmpuint (f.n_accepted, ==, 0);
  fixture_clear (&f);
}

static void
test_dead_port (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  JaS5bListener *l = ja_s5b_listener_new (DST, accept_cb, &f, &error);
  guint16 port = ja_s5b_listener_get_port (l);

  ja_s5b_listener_free (l);   /* nobody listens there any more */
  ja_s5b_connect_async ("127.0.0.1", port, DST, NULL, connected_cb, &f);
  run_until (&f, &f.done);
  g_assert_nonnull (f.error);
  g_assert_null (f.client);
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/s5b/socket/accept", test_accept);
  g_test_add_func ("/s5b/socket/wrong-dst", test_wrong_dst);
  g_test_add_func ("/s5b/socket/raw-wrong-dst", test_raw_wrong_dst);
  g_test_add_func ("/s5b/socket/dead-port", test_dead_port);
  return g_test_run ();
}
