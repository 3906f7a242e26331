/* xmpp-tls.h — a GnuTLS client session over a non-blocking socket, for the
 * XMPP stream (STARTTLS and direct TLS, RFC 6120 §5, XEP-0368). The peer
 * certificate is checked against the system trust store plus an optional CA
 * file and the expected name (RFC 6125), or against a pinned SHA-256 of the
 * certificate. Also exports the SASL channel bindings (RFC 5929, RFC 9266). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *server_name;  /* SNI and the name the certificate must carry */
  const char *ca_file;      /* extra trusted CAs (PEM), NULL for none */
  gboolean system_trust;    /* trust the system store too */
  const char *pin_sha256;   /* hex SHA-256 of the certificate (DER); NULL for none */
  const char *priority;     /* GnuTLS priority string; NULL for "NORMAL" */
  /* Serverless streams (XEP-0174): our own certificate and key (one PEM
   * file), required from the peer too; no CA or name check here, the
   * stream compares the peer's SHA-256 with its known peers. */
  const char *identity_file;
  gboolean direct;
} JaTlsOptions;

typedef enum {
  JA_TLS_DONE,
  JA_TLS_AGAIN,   /* wait for the socket (see ja_tls_wants_write) */
  JA_TLS_FAILED,
} JaTlsStatus;

typedef struct _JaTls JaTls;

JaTls *ja_tls_new_client (int fd, const JaTlsOptions *options, GError **error);
/* The accepting side of a serverless stream: options->direct and
 * options->identity_file are required. */
JaTls *ja_tls_new_server (int fd, const JaTlsOptions *options, GError **error);
void ja_tls_free (JaTls *tls);

/* Drives the handshake; on DONE the certificate has been verified. Errors
 * are JA_XMPP_STREAM_ERROR_TLS or _CERTIFICATE. */
JaTlsStatus ja_tls_handshake (JaTls *tls, GError **error);
/* After AGAIN: TRUE when GnuTLS waits to write, FALSE to read. */
gboolean ja_tls_wants_write (JaTls *tls);

/* > 0 bytes, 0 at the peer's close, -1 with G_IO_ERROR_WOULD_BLOCK when
 * nothing is ready, -1 with another error on failure. */
gssize ja_tls_recv (JaTls *tls, void *buf, gsize len, GError **error);
/* Sends up to len bytes; -1 with G_IO_ERROR_WOULD_BLOCK means: call again
 * later with the same data. */
gssize ja_tls_send (JaTls *tls, const void *buf, gsize len, GError **error);
/* Best-effort close_notify. */
void ja_tls_bye (JaTls *tls);

/* "TLS1.3", the cipher suite description, how the peer was verified. */
const char *ja_tls_get_version (JaTls *tls);
char *ja_tls_get_cipher (JaTls *tls);            /* (transfer full) */
const char *ja_tls_get_verification (JaTls *tls);
/* SHA-256 of the peer certificate in hex (transfer full), NULL before the
 * handshake. */
char *ja_tls_get_peer_sha256 (JaTls *tls);
/* Channel binding data for "tls-exporter", "tls-unique" or
 * "tls-server-end-point"; NULL when this session cannot provide it. */
GBytes *ja_tls_get_channel_binding (JaTls *tls, const char *type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaTls, ja_tls_free)

G_END_DECLS
