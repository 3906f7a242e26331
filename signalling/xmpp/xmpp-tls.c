/* xmpp-tls.c — GnuTLS client sessions for the XMPP stream, driven
 * non-blocking from the main loop. Verification happens right after the
 * handshake and before any application data is sent: a pinned SHA-256
 * (when configured) replaces the CA check; otherwise the chain must verify
 * against the trust store and the certificate must name the server
 * (RFC 6125 via gnutls_certificate_verify_peers3). */
#include "signalling/xmpp/xmpp-tls.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "signalling/xmpp/xmpp-error.h"

struct _JaTls {
  gnutls_session_t session;
  gnutls_certificate_credentials_t cred;
  char *server_name;
  char *pin;
  char *ca_file;
  gboolean system_trust;
  char *verification;
  gboolean handshake_done;
  gboolean direct;
};

static void
set_gnutls_error (GError **error, int code, int ret, const char *what)
{
  g_set_error (error, JA_XMPP_STREAM_ERROR, code, "%s: %s", what,
      gnutls_strerror (ret));
}

static JaTls *
tls_new (int fd, const JaTlsOptions *options, gboolean server, GError **error)
{
  g_autoptr (JaTls) tls = g_new0 (JaTls, 1);
  const char *err_pos = NULL;
  int ret;

  tls->server_name = g_strdup (options->server_name);
  tls->pin = options->pin_sha256 ? g_ascii_strdown (options->pin_sha256, -1)
      : NULL;
  tls->ca_file = g_strdup (options->ca_file);
  tls->system_trust = options->system_trust;
  tls->direct = options->direct;

  ret = gnutls_certificate_allocate_credentials (&tls->cred);
  if (ret < 0) {
    set_gnutls_error (error, JA_XMPP_STREAM_ERROR_TLS, ret, "TLS credentials");
    return NULL;
  }
  if (options->identity_file != NULL) {
    ret = gnutls_certificate_set_x509_key_file (tls->cred,
        options->identity_file, options->identity_file, GNUTLS_X509_FMT_PEM);
    if (ret < 0) {
      g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_TLS,
          "cannot load the identity %s: %s", options->identity_file,
          gnutls_strerror (ret));
      return NULL;
    }
  }
  if (options->system_trust)
    gnutls_certificate_set_x509_system_trust (tls->cred);
  if (options->ca_file != NULL) {
    ret = gnutls_certificate_set_x509_trust_file (tls->cred, options->ca_file,
        GNUTLS_X509_FMT_PEM);
    if (ret <= 0) {
      g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_TLS,
          "cannot load CA file %s: %s", options->ca_file,
          ret < 0 ? gnutls_strerror (ret) : "no certificate in it");
      return NULL;
    }
  }

  ret = gnutls_init (&tls->session, (server ? GNUTLS_SERVER : GNUTLS_CLIENT)
      | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
  if (ret < 0) {
    set_gnutls_error (error, JA_XMPP_STREAM_ERROR_TLS, ret, "TLS session");
    return NULL;
  }
  ret = gnutls_priority_set_direct (tls->session,
      options->priority ? options->priority : "NORMAL", &err_pos);
  if (ret < 0) {
    g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_TLS,
        "bad TLS priority string at '%s': %s", err_pos ? err_pos : "",
        gnutls_strerror (ret));
    return NULL;
  }
  gnutls_credentials_set (tls->session, GNUTLS_CRD_CERTIFICATE, tls->cred);
  /* Serverless: both sides present a certificate (mutual TLS). */
  if (server)
    gnutls_certificate_server_set_request (tls->session, GNUTLS_CERT_REQUIRE);
  if (!server && options->server_name != NULL
      && !g_hostname_is_ip_address (options->server_name))
    gnutls_server_name_set (tls->session, GNUTLS_NAME_DNS,
        options->server_name, strlen (options->server_name));
  gnutls_transport_set_int (tls->session, fd);
  gnutls_handshake_set_timeout (tls->session, 0);
  return g_steal_pointer (&tls);
}

JaTls *
ja_tls_new_client (int fd, const JaTlsOptions *options, GError **error)
{
  return tls_new (fd, options, FALSE, error);
}

JaTls *
ja_tls_new_server (int fd, const JaTlsOptions *options, GError **error)
{
  g_return_val_if_fail (options->direct && options->identity_file, NULL);
  return tls_new (fd, options, TRUE, error);
}

void
ja_tls_free (JaTls *tls)
{
  if (tls == NULL)
    return;
  if (tls->session != NULL)
    gnutls_deinit (tls->session);
  if (tls->cred != NULL)
    gnutls_certificate_free_credentials (tls->cred);
  g_free (tls->server_name);
  g_free (tls->pin);
  g_free (tls->ca_file);
  g_free (tls->verification);
  g_free (tls);
}

char *
ja_tls_get_peer_sha256 (JaTls *tls)
{
  const gnutls_datum_t *certs;
  unsigned int n = 0;
  guint8 digest[32];

  certs = gnutls_certificate_get_peers (tls->session, &n);
  if (certs == NULL || n == 0)
    return NULL;
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, certs[0].data, certs[0].size,
          digest) < 0)
    return NULL;
  GString *hex = g_string_sized_new (64);
  for (guint i = 0; i < sizeof digest; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

/* Accepts "AB:CD…" or "abcd…" for the pin. */
static char *
normalize_hex (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static gboolean
verify_peer (JaTls *tls, GError **error)
{
  unsigned int status = 0;
  gnutls_datum_t out = { NULL, 0 };
  int ret;

  if (tls->direct) {
    g_autofree char *have = ja_tls_get_peer_sha256 (tls);

    /* The stream checks it against the known peers. */
    if (have == NULL) {
      g_set_error_literal (error, JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_CERTIFICATE,
          "the peer presented no certificate");
      return FALSE;
    }
    tls->verification = g_strdup_printf ("peer certificate SHA-256 %s",
        have);
    return TRUE;
  }
  if (tls->pin != NULL) {
    g_autofree char *have = ja_tls_get_peer_sha256 (tls);
    g_autofree char *want = normalize_hex (tls->pin);

    if (have == NULL || !g_str_equal (have, want)) {
      g_set_error (error, JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_CERTIFICATE,
          "certificate does not match the pinned SHA-256 (got %s)",
          have ? have : "no certificate");
      return FALSE;
    }
    tls->verification = g_strdup_printf ("pinned certificate SHA-256 %s",
        have);
    return TRUE;
  }

  ret = gnutls_certificate_verify_peers3 (tls->session, tls->server_name,
      &status);
  if (ret < 0) {
    set_gnutls_error (error, JA_XMPP_STREAM_ERROR_CERTIFICATE, ret,
        "certificate verification");
    return FALSE;
  }
  if (status != 0) {
    gnutls_certificate_verification_status_print (status,
        GNUTLS_CRT_X509, &out, 0);
    g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_CERTIFICATE,
        "certificate for %s not trusted: %s%s", tls->server_name,
        out.data ? (char *) out.data : "verification failed",
        tls->ca_file ? "" : " (no --ca-file given)");
    gnutls_free (out.data);
    return FALSE;
  }
  tls->verification = g_strdup_printf (
      "certificate chain verified for '%s' against %s%s%s",
      tls->server_name, tls->system_trust ? "the system trust store" : "",
      tls->system_trust && tls->ca_file ? " and " : "",
      tls->ca_file ? tls->ca_file : "");
  return TRUE;
}

JaTlsStatus
ja_tls_handshake (JaTls *tls, GError **error)
{
  int ret;

  do {
    ret = gnutls_handshake (tls->session);
  } while (ret == GNUTLS_E_INTERRUPTED);
  if (ret == GNUTLS_E_AGAIN)
    return JA_TLS_AGAIN;
  if (ret < 0) {
    if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
      set_gnutls_error (error, JA_XMPP_STREAM_ERROR_CERTIFICATE, ret,
          "TLS handshake");
    else
      set_gnutls_error (error, JA_XMPP_STREAM_ERROR_TLS, ret, "TLS handshake");
    return JA_TLS_FAILED;
  }
  if (!verify_peer (tls, error))
    return JA_TLS_FAILED;
  tls->handshake_done = TRUE;
  return JA_TLS_DONE;
}

gboolean
ja_tls_wants_write (JaTls *tls)
{
  return gnutls_record_get_direction (tls->session) == 1;
}

gssize
ja_tls_recv (JaTls *tls, void *buf, gsize len, GError **error)
{
  gssize ret;

  do {
    ret = gnutls_record_recv (tls->session, buf, len);
  } while (ret == GNUTLS_E_INTERRUPTED);
  if (ret >= 0)
    return ret;
  if (ret == GNUTLS_E_AGAIN) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "again");
    return -1;
  }
  if (ret == GNUTLS_E_PREMATURE_TERMINATION)
    return 0;  /* the TCP connection closed without close_notify */
  set_gnutls_error (error, JA_XMPP_STREAM_ERROR_TLS, ret, "TLS receive");
  return -1;
}

gssize
ja_tls_send (JaTls *tls, const void *buf, gsize len, GError **error)
{
  gssize ret;

  do {
    ret = gnutls_record_send (tls->session, buf, len);
  } while (ret == GNUTLS_E_INTERRUPTED);
  if (ret >= 0)
    return ret;
  if (ret == GNUTLS_E_AGAIN) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "again");
    return -1;
  }
  set_gnutls_error (error, JA_XMPP_STREAM_ERROR_TLS, ret, "TLS send");
  return -1;
}

void
ja_tls_bye (JaTls *tls)
{
  if (tls->handshake_done)
    gnutls_bye (tls->session, GNUTLS_SHUT_WR);
}

const char *
ja_tls_get_version (JaTls *tls)
{
  return gnutls_protocol_get_name (gnutls_protocol_get_version (tls->session));
}

char *
ja_tls_get_cipher (JaTls *tls)
{
  char *desc = gnutls_session_get_desc (tls->session);
  char *copy = g_strdup (desc);

  gnutls_free (desc);
  return copy;
}

const char *
ja_tls_get_verification (JaTls *tls)
{
  return tls->verification;
}

GBytes *
ja_tls_get_channel_binding (JaTls *tls, const char *type)
{
  gnutls_channel_binding_t cbtype;
  gnutls_datum_t cb = { NULL, 0 };
  GBytes *bytes;
  gboolean tls13 = gnutls_protocol_get_version (tls->session) == GNUTLS_TLS1_3;

  if (!tls->handshake_done)
    return NULL;
  if (g_str_equal (type, "tls-exporter"))
    cbtype = GNUTLS_CB_TLS_EXPORTER;
  else if (g_str_equal (type, "tls-unique") && !tls13)
    cbtype = GNUTLS_CB_TLS_UNIQUE;    /* undefined for TLS 1.3 (RFC 9266) */
  else if (g_str_equal (type, "tls-server-end-point"))
    cbtype = GNUTLS_CB_TLS_SERVER_END_POINT;
  else
    return NULL;
  /* tls-exporter needs the extended master secret on TLS 1.2 (RFC 9266 §3). */
  if (cbtype == GNUTLS_CB_TLS_EXPORTER && !tls13
      && !gnutls_session_ext_master_secret_status (tls->session))
    return NULL;
  if (gnutls_session_channel_binding (tls->session, cbtype, &cb) < 0)
    return NULL;
  bytes = g_bytes_new (cb.data, cb.size);
  gnutls_free (cb.data);
  return bytes;
}
