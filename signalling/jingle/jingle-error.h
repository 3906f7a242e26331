/* jingle-error.h — the JA_JINGLE_ERROR domain: the XEP-0166 §10 error
 * conditions (each travels in a stanza error whose RFC 6120 condition is
 * given in the comment, plus the urn:xmpp:jingle:errors:1 element), and the
 * failures a session ends with instead of an IQ error. */
#pragma once

#include <glib.h>
#include "signalling/jingle/jingle-reason.h"

G_BEGIN_DECLS

#define JA_JINGLE_ERROR (ja_jingle_error_quark ())
GQuark ja_jingle_error_quark (void);

typedef enum {
  JA_JINGLE_ERROR_OUT_OF_ORDER,      /* unexpected-request + <out-of-order/> */
  JA_JINGLE_ERROR_TIE_BREAK,         /* conflict + <tie-break/> */
  JA_JINGLE_ERROR_UNKNOWN_SESSION,   /* item-not-found + <unknown-session/> */
  JA_JINGLE_ERROR_UNSUPPORTED_INFO,  /* feature-not-implemented + <unsupported-info/> */
  JA_JINGLE_ERROR_SECURITY_REQUIRED, /* not-acceptable + <security-required/> (§9) */
  /* Not IQ errors in XEP-0166 but session-terminate reasons (§6.7); as a
   * stanza error they become feature-not-implemented without an element. */
  JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS,
  JA_JINGLE_ERROR_UNSUPPORTED_TRANSPORTS,
} JaJingleError;

/* Registers the JA_JINGLE_ERROR → stanza error mapper with
 * ja_xmpp_error_register_domain(). Idempotent; the manager calls it. */
void ja_jingle_error_register (void);

/* The reason a session ends with when error ends it: the two unsupported-*
 * codes map to their reasons, everything else to general-error. */
JaJingleReason ja_jingle_error_to_reason (const GError *error);

G_END_DECLS
