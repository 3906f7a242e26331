/* s5b-socket.h — SOCKS5 over TCP for XEP-0065/XEP-0260: the client side
 * (connect to a streamhost and ask for the destination address) and a
 * listener that serves our direct candidates, handing over only the
 * connections that asked for the expected destination address (any other
 * is refused and closed, never served). The handshakes run in a worker
 * thread with blocking I/O bounded by a timeout; results come back in the
 * caller's main context. The codec is socks5.h. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How long one TCP connect plus SOCKS5 handshake may take. */
#define JA_S5B_HANDSHAKE_TIMEOUT_S 5

/* Connects to host:port (an IP literal or a name) and sends CONNECT dst:0.
 * The result is the connection, ready for data. */
void ja_s5b_connect_async (const char *host, guint16 port, const char *dst,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
GIOStream *ja_s5b_connect_finish (GAsyncResult *res, GError **error);

typedef struct _JaS5bListener JaS5bListener;

/* A connection that asked for the right destination address (transfer
 * full). */
typedef void (*JaS5bAcceptFunc) (GIOStream *conn, gpointer user_data);

/* Listens on an ephemeral port of every address (IPv4 and IPv6). */
JaS5bListener *ja_s5b_listener_new (const char *dst, JaS5bAcceptFunc func,
    gpointer user_data, GError **error);
guint16 ja_s5b_listener_get_port (JaS5bListener *listener);
/* Stops listening; pending handshakes are dropped. */
void ja_s5b_listener_free (JaS5bListener *listener);

/* Sets TCP_NODELAY (FIELD-NOTES: Nagle) on a connection's socket. */
void ja_s5b_socket_set_nodelay (GIOStream *conn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaS5bListener, ja_s5b_listener_free)

G_END_DECLS
