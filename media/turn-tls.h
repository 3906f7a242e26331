/* turn-tls.h — a loopback TLS bridge for TURN over TLS (RFC 8656 §3.1:
 * "turns", TLS over TCP). libnice 0.1.21 speaks TURN over plain TCP only,
 * so it is pointed at a listening socket on 127.0.0.1 (ephemeral port):
 * every connection accepted there gets its own TLS client connection to
 * the TURN server, whose certificate is verified (system trust store and/or
 * a CA file, the server's name per RFC 6125) before a byte goes through;
 * bytes are then pumped both ways, non-blocking, on the creator's
 * thread-default GMainContext. A connect, handshake or verification failure
 * closes the local connection and is logged with its reason; since libnice
 * never gives up on a TURN/TCP allocation whose socket closed,
 * ja_turn_tls_prepare checks the server before libnice is told about it.
 * See docs/internals/ice.md. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *server_name;      /* checked against the certificate; SNI */
  const char *address;          /* IP literal to connect to */
  guint port;                   /* the server's TLS port */
  const char *ca_file;          /* nullable: extra trusted CAs (PEM) */
  gboolean system_trust;        /* trust the system store too */
  guint handshake_timeout_ms;   /* connect + handshake; 0: 5000 */
} JaTurnTlsOptions;

typedef struct _JaTurnTls JaTurnTls;

/* Listens at once; fails only on a local problem (unreadable CA file, no
 * trust at all, no socket). (transfer full) */
JaTurnTls *ja_turn_tls_new (const JaTurnTlsOptions *options, GError **error);
/* Closes the listener and every bridged connection (close_notify sent
 * best-effort); no callback or log after. */
void ja_turn_tls_free (JaTurnTls *bridge);

/* Called once, from the main loop, when the first (warm) connection to
 * the server is verified (ok) or has failed (ja_turn_tls_get_error). */
typedef void (*JaTurnTlsReadyFunc) (JaTurnTls *bridge, gboolean ok,
    gpointer user_data);

/* Opens one connection to the server now and verifies it; the first
 * connection libnice makes then rides on it (no handshake left to wait
 * for). Call at most once. */
void ja_turn_tls_prepare (JaTurnTls *bridge, JaTurnTlsReadyFunc ready,
    gpointer user_data);

/* The local TCP port on 127.0.0.1 to give libnice. */
guint ja_turn_tls_get_port (JaTurnTls *bridge);
/* The last failure (connect, handshake, verification) or NULL. */
const char *ja_turn_tls_get_error (JaTurnTls *bridge);
/* Connections that passed the handshake and verification so far. */
guint ja_turn_tls_get_n_verified (JaTurnTls *bridge);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaTurnTls, ja_turn_tls_free)

G_END_DECLS
