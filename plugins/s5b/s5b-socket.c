/* s5b-socket.c — the SOCKS5 client and the direct-candidate listener of
 * s5b-socket.h. Messages are read one byte at a time until the codec says
 * complete, so nothing after a message is ever consumed here. */
#include "plugins/s5b/s5b-socket.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "plugins/s5b/socks5.h"

typedef JaSocks5Result (*ParseFunc) (const guint8 *buf, gsize len,
    gpointer out);

/* Reads until parse says OK (TRUE) or BAD / EOF / error (FALSE). */
static gboolean
read_message (GIOStream *conn, guint8 *buf, gsize *len, ParseFunc parse,
    gpointer out, GCancellable *cancellable, GError **error)
{
  GInputStream *in = g_io_stream_get_input_stream (conn);

  *len = 0;
  while (*len < JA_SOCKS5_MAX_MESSAGE) {
    gssize n = g_input_stream_read (in, buf + *len, 1, cancellable, error);

    if (n < 0)
      return FALSE;
    if (n == 0) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
          "SOCKS5: connection closed during the handshake");
      return FALSE;
    }
    *len += 1;
    switch (parse (buf, *len, out)) {
      case JA_SOCKS5_OK:
        return TRUE;
      case JA_SOCKS5_NEED_MORE:
        continue;
      case JA_SOCKS5_BAD:
      default:
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
            "SOCKS5: malformed message");
        return FALSE;
    }
  }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
      "SOCKS5: message too long");
  return FALSE;
}

static gboolean
write_all (GIOStream *conn, const guint8 *buf, gsize len,
    GCancellable *cancellable, GError **error)
{
  return g_output_stream_write_all (g_io_stream_get_output_stream (conn), buf,
      len, NULL, cancellable, error);
}

/* JA_S5B_HANDSHAKE_TIMEOUT_S, or the test hook
 * JINGLE_AGENT_TEST_S5B_HANDSHAKE_TIMEOUT_S (a long one shows that a
 * candidate that never answers does not delay the others). */
static guint
handshake_timeout (void)
{
  const char *env = g_getenv ("JINGLE_AGENT_TEST_S5B_HANDSHAKE_TIMEOUT_S");
  guint64 v;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 600, &v, NULL))
    return (guint) v;
  return JA_S5B_HANDSHAKE_TIMEOUT_S;
}

static void
set_timeout (GIOStream *conn, guint seconds)
{
  if (G_IS_SOCKET_CONNECTION (conn))
    g_socket_set_timeout (g_socket_connection_get_socket (
            G_SOCKET_CONNECTION (conn)), seconds);
}

void
ja_s5b_socket_set_nodelay (GIOStream *conn)
{
  if (G_IS_SOCKET_CONNECTION (conn))
    g_socket_set_option (g_socket_connection_get_socket (
            G_SOCKET_CONNECTION (conn)), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

/* ---- client ------------------------------------------------------------- */

typedef struct {
  char *host;
  guint16 port;
  char *dst;
} ConnectData;

static void
connect_data_free (gpointer data)
{
  ConnectData *cd = data;

  g_free (cd->host);
  g_free (cd->dst);
  g_free (cd);
}

static JaSocks5Result
parse_method_cb (const guint8 *buf, gsize len, gpointer out)
{
  gsize used;

  return ja_socks5_parse_method (buf, len, &used);
}

static JaSocks5Result
parse_reply_cb (const guint8 *buf, gsize len, gpointer out)
{
  gsize used;

  return ja_socks5_parse_reply (buf, len, &used, out);
}

static GIOStream *
client_handshake (ConnectData *cd, GCancellable *cancellable, GError **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnectable) addr = g_network_address_new (cd->host,
      cd->port);
  g_autoptr (GSocketConnection) conn = NULL;
  guint8 buf[JA_SOCKS5_MAX_MESSAGE];
  gsize len;
  guint8 rep = 0xff;

  g_socket_client_set_timeout (client, handshake_timeout ());
  conn = g_socket_client_connect (client, addr, cancellable, error);
  if (conn == NULL)
    return NULL;
  set_timeout (G_IO_STREAM (conn), handshake_timeout ());
  len = ja_socks5_build_greeting (buf);
  if (!write_all (G_IO_STREAM (conn), buf, len, cancellable, error)
      || !read_message (G_IO_STREAM (conn), buf, &len, parse_method_cb, NULL,
          cancellable, error))
    return NULL;
  len = ja_socks5_build_connect (cd->dst, 0, buf, sizeof buf);
  if (len == 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "SOCKS5: destination address too long");
    return NULL;
  }
  if (!write_all (G_IO_STREAM (conn), buf, len, cancellable, error)
      || !read_message (G_IO_STREAM (conn), buf, &len, parse_reply_cb, &rep,
          cancellable, error))
    return NULL;
  if (rep != JA_SOCKS5_REP_SUCCEEDED) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
        "SOCKS5: the streamhost refused the destination (reply %u)", rep);
    return NULL;
  }
  set_timeout (G_IO_STREAM (conn), 0);
  ja_s5b_socket_set_nodelay (G_IO_STREAM (conn));
  return G_IO_STREAM (g_steal_pointer (&conn));
}

static void
connect_thread (GTask *task, gpointer source, gpointer task_data,
    GCancellable *cancellable)
{
  GError *error = NULL;
  GIOStream *conn = client_handshake (task_data, cancellable, &error);

  if (conn == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, conn, g_object_unref);
}

void
ja_s5b_connect_async (const char *host, guint16 port, const char *dst,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback,
      user_data);
  ConnectData *cd = g_new0 (ConnectData, 1);

  cd->host = g_strdup (host);
  cd->port = port;
  cd->dst = g_strdup (dst);
  g_task_set_source_tag (task, ja_s5b_connect_async);
  g_task_set_task_data (task, cd, connect_data_free);
  g_task_run_in_thread (task, connect_thread);
}

GIOStream *
ja_s5b_connect_finish (GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* ---- listener ----------------------------------------------------------- */

struct _JaS5bListener {
  GSocketService *service;
  char *dst;
  guint16 port;
  JaS5bAcceptFunc func;
  gpointer user_data;
  GCancellable *cancellable;   /* cancelled when the listener goes */
};

typedef struct {
  JaS5bListener *listener;     /* valid while cancellable is not cancelled */
  GCancellable *cancellable;
  GIOStream *conn;
  char *dst;
} Serve;

static void
serve_free (gpointer data)
{
  Serve *sv = data;

  g_clear_object (&sv->cancellable);
  g_clear_object (&sv->conn);
  g_free (sv->dst);
  g_free (sv);
}

typedef struct {
  char host[256];
  guint16 port;
  guint8 rep;
} Request;

static JaSocks5Result
parse_greeting_cb (const guint8 *buf, gsize len, gpointer out)
{
  gsize used;

  return ja_socks5_parse_greeting (buf, len, &used, out);
}

static JaSocks5Result
parse_request_cb (const guint8 *buf, gsize len, gpointer out)
{
  Request *rq = out;
  gsize used;

  return ja_socks5_parse_request (buf, len, &used, rq->host, &rq->port,
      &rq->rep);
}

static gboolean
server_handshake (Serve *sv, GCancellable *cancellable, GError **error)
{
  guint8 buf[JA_SOCKS5_MAX_MESSAGE];
  gsize len;
  gboolean no_auth = FALSE;
  Request rq = { { 0 } };

  set_timeout (sv->conn, handshake_timeout ());
  if (!read_message (sv->conn, buf, &len, parse_greeting_cb, &no_auth,
          cancellable, error))
    return FALSE;
  len = ja_socks5_build_method (buf, no_auth ? JA_SOCKS5_METHOD_NO_AUTH
      : JA_SOCKS5_METHOD_NONE);
  if (!write_all (sv->conn, buf, len, cancellable, error))
    return FALSE;
  if (!no_auth) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "SOCKS5: the client offers no method we accept");
    return FALSE;
  }
  if (!read_message (sv->conn, buf, &len, parse_request_cb, &rq, cancellable,
          error))
    return FALSE;
  if (strcmp (rq.host, sv->dst) != 0 || rq.port != 0) {
    /* Someone else's bytestream, or a probe: refuse and drop it. */
    len = ja_socks5_build_reply (JA_SOCKS5_REP_NOT_ALLOWED, sv->dst, 0, buf,
        sizeof buf);
    write_all (sv->conn, buf, len, cancellable, NULL);
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
        "SOCKS5: wrong destination address");
    return FALSE;
  }
  len = ja_socks5_build_reply (JA_SOCKS5_REP_SUCCEEDED, sv->dst, 0, buf,
      sizeof buf);
  if (!write_all (sv->conn, buf, len, cancellable, error))
    return FALSE;
  set_timeout (sv->conn, 0);
  ja_s5b_socket_set_nodelay (sv->conn);
  return TRUE;
}

static void
serve_thread (GTask *task, gpointer source, gpointer task_data,
    GCancellable *cancellable)
{
  GError *error = NULL;

  if (server_handshake (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
served_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Serve *sv = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);

  if (!ok || g_cancellable_is_cancelled (sv->cancellable)) {
    g_debug ("s5b listener: connection dropped: %s",
        error ? error->message : "listener gone");
    g_io_stream_close (sv->conn, NULL, NULL);
    return;
  }
  sv->listener->func (g_object_ref (sv->conn), sv->listener->user_data);
}

static gboolean
incoming_cb (GSocketService *service, GSocketConnection *conn,
    GObject *source, gpointer user_data)
{
  JaS5bListener *self = user_data;
  g_autoptr (GTask) task = g_task_new (NULL, self->cancellable, served_cb,
      NULL);
  Serve *sv = g_new0 (Serve, 1);

  sv->listener = self;
  sv->cancellable = g_object_ref (self->cancellable);
  sv->conn = G_IO_STREAM (g_object_ref (conn));
  sv->dst = g_strdup (self->dst);
  g_task_set_task_data (task, sv, serve_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, serve_thread);
  return TRUE;
}

JaS5bListener *
ja_s5b_listener_new (const char *dst, JaS5bAcceptFunc func,
    gpointer user_data, GError **error)
{
  JaS5bListener *self = g_new0 (JaS5bListener, 1);

  self->service = g_socket_service_new ();
  self->port = g_socket_listener_add_any_inet_port (
      G_SOCKET_LISTENER (self->service), NULL, error);
  if (self->port == 0) {
    g_object_unref (self->service);
    g_free (self);
    return NULL;
  }
  self->dst = g_strdup (dst);
  self->func = func;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb),
      self);
  g_socket_service_start (self->service);
  return self;
}

guint16
ja_s5b_listener_get_port (JaS5bListener *listener)
{
  return listener->port;
}

void
ja_s5b_listener_free (JaS5bListener *listener)
{
  if (listener == NULL)
    return;
  g_cancellable_cancel (listener->cancellable);
  g_signal_handlers_disconnect_by_data (listener->service, listener);
  g_socket_service_stop (listener->service);
  g_socket_listener_close (G_SOCKET_LISTENER (listener->service));
  g_object_unref (listener->service);
  g_object_unref (listener->cancellable);
  g_free (listener->dst);
  g_free (listener);
}
