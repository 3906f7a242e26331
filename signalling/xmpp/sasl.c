/* sasl.c — mechanism choice and the client side of the SASL exchange
 * (RFC 6120 §6, RFC 4422). SCRAM variants are ranked by hash strength,
 * channel-bound variants first; PLAIN (RFC 4616) is the last resort and
 * only over TLS. The channel binding type is the one the server says it
 * supports (XEP-0440), otherwise tls-exporter on TLS 1.3 and tls-unique on
 * TLS 1.2, which is what Prosody 0.12 implements. */
#include "signalling/xmpp/sasl.h"

#include <string.h>
#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "signalling/xmpp/sasl-scram.h"
#include "signalling/xmpp/xmpp-error.h"

struct _JaSasl {
  char *mechanism;
  char *cb_type;
  JaScram *scram;        /* NULL for PLAIN */
  char *username;
  char *password;
  gboolean done;
};

static const char *const ranking[] = {
  "SCRAM-SHA-512-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS",
  "SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", NULL
};

static gboolean
strv_has (const char *const *strv, const char *s)
{
  return strv != NULL && g_strv_contains (strv, s);
}

static const char *
choose_cb_type (const char *const *cb_types, const char *tls_version,
    JaSaslCbFunc cb_func, gpointer cb_data, GBytes **data)
{
  static const char *const preference[] = {
    "tls-exporter", "tls-server-end-point", "tls-unique", NULL
  };

  for (guint i = 0; preference[i] != NULL; i++) {
    const char *t = preference[i];

    if (cb_types != NULL) {
      if (!strv_has (cb_types, t))
        continue;
    } else if (g_strcmp0 (tls_version, "TLS1.3") == 0) {
      if (!g_str_equal (t, "tls-exporter"))
        continue;
    } else if (!g_str_equal (t, "tls-unique")) {
      continue;
    }
    *data = cb_func (t, cb_data);
    if (*data != NULL)
      return t;
  }
  return NULL;
}

JaSasl *
ja_sasl_new (const char *const *offered, const char *const *cb_types,
    const char *tls_version, JaSaslCbFunc cb_func, gpointer cb_data,
    const char *username, const char *password, GError **error)
{
  g_autoptr (JaSasl) sasl = g_new0 (JaSasl, 1);
  gboolean any_plus = FALSE;

  sasl->username = g_strdup (username);
  sasl->password = g_strdup (password);
  for (guint i = 0; offered != NULL && offered[i] != NULL; i++)
    if (g_str_has_suffix (offered[i], "-PLUS"))
      any_plus = TRUE;

  for (guint i = 0; ranking[i] != NULL; i++) {
    const char *mech = ranking[i];
    JaScramHash hash;
    gboolean plus;
    g_autoptr (GBytes) cb = NULL;
    const char *cb_type = NULL;

    if (!strv_has (offered, mech))
      continue;
    if (g_str_equal (mech, "PLAIN")) {
      if (tls_version == NULL)
        continue;  /* never send a password in the clear */
      sasl->mechanism = g_strdup (mech);
      return g_steal_pointer (&sasl);
    }
    if (!ja_scram_mechanism_parse (mech, &hash, &plus))
      continue;
    if (plus) {
      if (tls_version == NULL || cb_func == NULL)
        continue;
      cb_type = choose_cb_type (cb_types, tls_version, cb_func, cb_data, &cb);
      if (cb_type == NULL)
        continue;
    }
    /* "y": we could bind but the server offered no -PLUS (RFC 5802 §6),
     * which lets a server that does support it detect a downgrade. */
    sasl->scram = ja_scram_new (hash, username, password, cb_type,
        cb ? g_bytes_get_data (cb, NULL) : NULL,
        cb ? g_bytes_get_size (cb) : 0,
        !plus && !any_plus && tls_version != NULL && cb_func != NULL, NULL);
    if (sasl->scram == NULL) {
      g_set_error_literal (error, JA_XMPP_STREAM_ERROR,
          JA_XMPP_STREAM_ERROR_AUTH,
          "the username or password cannot be used with SCRAM (empty, not "
          "UTF-8, or control characters)");
      return NULL;
    }
    sasl->mechanism = g_strdup (mech);
    sasl->cb_type = g_strdup (cb_type);
    return g_steal_pointer (&sasl);
  }

  g_autofree char *list = offered ? g_strjoinv (" ", (char **) offered)
      : g_strdup ("");
  g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_NO_MECHANISM,
      "no acceptable SASL mechanism offered (server offers: %s)%s", list,
      tls_version == NULL ? "; PLAIN is refused without TLS" : "");
  return NULL;
}

void
ja_sasl_free (JaSasl *sasl)
{
  if (sasl == NULL)
    return;
  g_clear_pointer (&sasl->scram, ja_scram_free);
  if (sasl->password != NULL) {
    gnutls_memset (sasl->password, 0, strlen (sasl->password));
    g_free (sasl->password);
  }
  g_free (sasl->username);
  g_free (sasl->mechanism);
  g_free (sasl->cb_type);
  g_free (sasl);
}

const char *
ja_sasl_get_mechanism (JaSasl *sasl)
{
  return sasl->mechanism;
}

const char *
ja_sasl_get_cb_type (JaSasl *sasl)
{
  return sasl->cb_type;
}

GBytes *
ja_sasl_initial (JaSasl *sasl)
{
  if (sasl->scram != NULL) {
    char *first = ja_scram_client_first (sasl->scram);

    return g_bytes_new_take (first, strlen (first));
  }
  /* PLAIN: authzid empty, authcid, password (RFC 4616 §2). */
  gsize ulen = strlen (sasl->username);
  gsize plen = strlen (sasl->password);
  guint8 *buf = g_malloc (ulen + plen + 2);

  buf[0] = 0;
  memcpy (buf + 1, sasl->username, ulen);
  buf[ulen + 1] = 0;
  memcpy (buf + ulen + 2, sasl->password, plen);
  return g_bytes_new_take (buf, ulen + plen + 2);
}

GBytes *
ja_sasl_step (JaSasl *sasl, GBytes *challenge, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (challenge, &len);
  char *final;

  if (sasl->scram == NULL || sasl->done) {
    g_set_error_literal (error, JA_XMPP_STREAM_ERROR,
        JA_XMPP_STREAM_ERROR_PROTOCOL, "unexpected SASL challenge");
    return NULL;
  }
  final = ja_scram_client_final (sasl->scram, data ? data : "", len, error);
  if (final == NULL)
    return NULL;
  sasl->done = TRUE;
  return g_bytes_new_take (final, strlen (final));
}

gboolean
ja_sasl_finish (JaSasl *sasl, GBytes *additional, GError **error)
{
  gsize len = 0;
  const char *data = additional ? g_bytes_get_data (additional, &len) : NULL;

  if (sasl->scram == NULL)
    return TRUE;
  if (!sasl->done || len == 0) {
    /* RFC 6120 §6.3.10: SCRAM's server-final must be checked; a server that
     * skips it has not proven it knows the password. */
    g_set_error_literal (error, JA_XMPP_STREAM_ERROR,
        JA_XMPP_STREAM_ERROR_AUTH,
        "server did not prove knowledge of the password (no SCRAM server-final)");
    return FALSE;
  }
  if (!ja_scram_verify_server_final (sasl->scram, data, len, error))
    return FALSE;
  return TRUE;
}
