/* xmpp-error.h — error domains of the XMPP layer: stanza error conditions
 * (RFC 6120 §8.3.3) in JA_XMPP_ERROR, and failures of the client stream
 * itself (connect, TLS, SASL, stream errors) in JA_XMPP_STREAM_ERROR. The
 * one place that turns a GError into an <error/> element is here. */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

#define JA_XMPP_ERROR (ja_xmpp_error_quark ())
GQuark ja_xmpp_error_quark (void);

/* RFC 6120 §8.3.3, in the RFC's order. */
typedef enum {
  JA_XMPP_ERROR_BAD_REQUEST,
  JA_XMPP_ERROR_CONFLICT,
  JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED,
  JA_XMPP_ERROR_FORBIDDEN,
  JA_XMPP_ERROR_GONE,
  JA_XMPP_ERROR_INTERNAL_SERVER_ERROR,
  JA_XMPP_ERROR_ITEM_NOT_FOUND,
  JA_XMPP_ERROR_JID_MALFORMED,
  JA_XMPP_ERROR_NOT_ACCEPTABLE,
  JA_XMPP_ERROR_NOT_ALLOWED,
  JA_XMPP_ERROR_NOT_AUTHORIZED,
  JA_XMPP_ERROR_POLICY_VIOLATION,
  JA_XMPP_ERROR_RECIPIENT_UNAVAILABLE,
  JA_XMPP_ERROR_REDIRECT,
  JA_XMPP_ERROR_REGISTRATION_REQUIRED,
  JA_XMPP_ERROR_REMOTE_SERVER_NOT_FOUND,
  JA_XMPP_ERROR_REMOTE_SERVER_TIMEOUT,
  JA_XMPP_ERROR_RESOURCE_CONSTRAINT,
  JA_XMPP_ERROR_SERVICE_UNAVAILABLE,
  JA_XMPP_ERROR_SUBSCRIPTION_REQUIRED,
  JA_XMPP_ERROR_UNDEFINED_CONDITION,
  JA_XMPP_ERROR_UNEXPECTED_REQUEST,
  JA_XMPP_ERROR_N_CONDITIONS
} JaXmppErrorCondition;

const char *ja_xmpp_error_condition_to_string (JaXmppErrorCondition cond);

/* Sets a JA_XMPP_ERROR_BAD_REQUEST with the formatted text (what a parser
 * of peer input says about a malformed element) and returns FALSE. */
gboolean ja_xmpp_error_bad_request (GError **error, const char *format, ...)
    G_GNUC_PRINTF (2, 3);
/* FALSE when name is not an RFC 6120 condition. */
gboolean ja_xmpp_error_condition_from_string (const char *name,
    JaXmppErrorCondition *cond);
/* The error type RFC 6120 §8.3.3 gives for a condition ("cancel", "modify",
 * "auth", "wait"). */
const char *ja_xmpp_error_condition_type (JaXmppErrorCondition cond);

/* A GError from another layer's domain maps onto a stanza error through a
 * mapper registered for that domain (e.g. the Jingle layer adds its
 * application-specific condition element). */
typedef JaXmppErrorCondition (*JaXmppErrorMapper) (const GError *error,
    JaXmlNode **app_condition /* (out) (transfer full) (nullable) */,
    const char **type /* (out) (nullable): NULL keeps RFC 6120's type */);
void ja_xmpp_error_register_domain (GQuark domain, JaXmppErrorMapper mapper);

/* <error type=…><condition/>[app condition]<text>message</text></error>
 * (transfer full). Errors of unknown domains become undefined-condition. */
JaXmlNode *ja_xmpp_error_to_node (const GError *error);

/* Parse the <error/> child of an error stanza into a GError in
 * JA_XMPP_ERROR (bad-request/undefined-condition when absent). */
GError *ja_xmpp_error_from_stanza (const JaXmlNode *stanza);

#define JA_XMPP_STREAM_ERROR (ja_xmpp_stream_error_quark ())
GQuark ja_xmpp_stream_error_quark (void);

typedef enum {
  JA_XMPP_STREAM_ERROR_CONNECT,         /* DNS, TCP */
  JA_XMPP_STREAM_ERROR_TLS,             /* TLS handshake or record layer */
  JA_XMPP_STREAM_ERROR_CERTIFICATE,     /* peer certificate not trusted */
  JA_XMPP_STREAM_ERROR_PLAINTEXT,       /* no STARTTLS and plaintext not allowed */
  JA_XMPP_STREAM_ERROR_AUTH,            /* SASL failure: wrong credentials */
  JA_XMPP_STREAM_ERROR_NO_MECHANISM,    /* no acceptable SASL mechanism */
  JA_XMPP_STREAM_ERROR_BIND,            /* resource binding refused */
  JA_XMPP_STREAM_ERROR_STREAM,          /* the peer sent <stream:error/> */
  JA_XMPP_STREAM_ERROR_PROTOCOL,        /* the peer broke the protocol */
  JA_XMPP_STREAM_ERROR_CLOSED,          /* the connection went away */
  JA_XMPP_STREAM_ERROR_TIMEOUT,         /* no answer in time */
  JA_XMPP_STREAM_ERROR_CANCELLED,       /* we shut the stream down */
  JA_XMPP_STREAM_ERROR_PEER_CHANGED,    /* serverless: the peer's certificate
                                         * differs from the one recorded or
                                         * pinned */
} JaXmppStreamError;

G_END_DECLS
