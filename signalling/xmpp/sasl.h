/* sasl.h — client SASL for XMPP (RFC 6120 §6): chooses the strongest
 * mechanism the server offers among SCRAM-SHA-512/256/1 with and without
 * channel binding (-PLUS) and PLAIN (only over TLS), and runs it. Pure: the
 * stream moves the (already base64-decoded) payloads. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JaSasl JaSasl;

/* Channel binding data for a type, or NULL when the TLS session cannot
 * provide it. */
typedef GBytes *(*JaSaslCbFunc) (const char *type, gpointer user_data);

/* offered: the <mechanism/> names; cb_types: the XEP-0440 channel-binding
 * types the server advertised (NULL when it did not say); tls_version:
 * "TLS1.3", "TLS1.2" or NULL without TLS. Returns NULL with
 * JA_XMPP_STREAM_ERROR_NO_MECHANISM when nothing acceptable is offered. */
JaSasl *ja_sasl_new (const char *const *offered, const char *const *cb_types,
    const char *tls_version, JaSaslCbFunc cb_func, gpointer cb_data,
    const char *username, const char *password, GError **error);
void ja_sasl_free (JaSasl *sasl);

const char *ja_sasl_get_mechanism (JaSasl *sasl);
/* The channel binding type in use, or NULL. */
const char *ja_sasl_get_cb_type (JaSasl *sasl);

/* The initial response (transfer full; may be empty, never NULL). */
GBytes *ja_sasl_initial (JaSasl *sasl);
/* A <challenge/>'s payload → the <response/> payload (transfer full). */
GBytes *ja_sasl_step (JaSasl *sasl, GBytes *challenge, GError **error);
/* The additional data of <success/>: verifies the server (SCRAM). */
gboolean ja_sasl_finish (JaSasl *sasl, GBytes *additional, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaSasl, ja_sasl_free)

G_END_DECLS
