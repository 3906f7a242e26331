/* ja-test-relay.c — see ja-test-relay.h. Each accepted connection is
 * connected to the target and the two are spliced; a per-connection
 * GCancellable cuts it. */
#include "tests/support/ja-test-relay.h"

struct _JaTestRelay {
  GSocketService *service;
  char *host;
  guint16 target_port;
  guint16 port;
  GPtrArray *live;        /* GCancellable* of live splices */
};

typedef struct {
  JaTestRelay *relay;
  GSocketConnection *client;
  GCancellable *cancel;
} Pending;

static void
splice_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Pending *p = user_data;

  g_io_stream_splice_finish (res, NULL);
  if (p->relay != NULL)
    g_ptr_array_remove (p->relay->live, p->cancel);
  g_object_unref (p->client);
  g_object_unref (p->cancel);
  g_free (p);
}

static void
target_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Pending *p = user_data;
  g_autoptr (GError) error = NULL;
  GSocketConnection *up = g_socket_client_connect_to_host_finish (
      G_SOCKET_CLIENT (source), res, &error);

  if (up == NULL) {
    g_ptr_array_remove (p->relay->live, p->cancel);
    g_io_stream_close (G_IO_STREAM (p->client), NULL, NULL);
    g_object_unref (p->client);
    g_object_unref (p->cancel);
    g_free (p);
    return;
  }
  g_io_stream_splice_async (G_IO_STREAM (p->client), G_IO_STREAM (up),
      G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
      G_PRIORITY_DEFAULT, p->cancel, splice_cb, p);
  g_object_unref (up);
}

static gboolean
incoming_cb (GSocketService *service, GSocketConnection *conn,
    GObject *source, gpointer user_data)
{
  JaTestRelay *relay = user_data;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  Pending *p = g_new0 (Pending, 1);

  p->relay = relay;
  p->client = g_object_ref (conn);
  p->cancel = g_cancellable_new ();
  g_ptr_array_add (relay->live, g_object_ref (p->cancel));
  g_socket_client_connect_to_host_async (client, relay->host,
      relay->target_port, NULL, target_cb, p);
  return TRUE;
}

JaTestRelay *
ja_test_relay_new (const char *target_host, guint16 target_port)
{
  JaTestRelay *relay = g_new0 (JaTestRelay, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  relay->host = g_strdup (target_host);
  relay->target_port = target_port;
  relay->live = g_ptr_array_new_with_free_func (g_object_unref);
  relay->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (relay->service), addr,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  relay->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (relay->service, "incoming", G_CALLBACK (incoming_cb),
      relay);
  g_socket_service_start (relay->service);
  return relay;
}

guint16
ja_test_relay_get_port (JaTestRelay *relay)
{
  return relay->port;
}

guint
ja_test_relay_cut (JaTestRelay *relay)
{
  guint n = relay->live->len;

  /* Cancelling a splice closes both of its streams. */
  for (guint i = 0; i < relay->live->len; i++)
    g_cancellable_cancel (g_ptr_array_index (relay->live, i));
  return n;
}

void
ja_test_relay_free (JaTestRelay *relay)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  ja_test_relay_cut (relay);
  /* Let the cancelled splices finish before their relay goes away. */
  while (relay->live->len > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_socket_service_stop (relay->service);
  g_socket_listener_close (G_SOCKET_LISTENER (relay->service));
  g_object_unref (relay->service);
  g_ptr_array_unref (relay->live);
  g_free (relay->host);
  g_free (relay);
}
