/* jingle-error.c — JA_JINGLE_ERROR and its mapping onto stanza errors
 * (XEP-0166 §10 and §9 security-required). */
#include "signalling/jingle/jingle-error.h"

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

G_DEFINE_QUARK (ja-jingle-error-quark, ja_jingle_error)

static JaXmppErrorCondition
map_jingle_error (const GError *error, JaXmlNode **app_condition,
    const char **type)
{
  /* XEP-0166 §11's examples give the error type where it differs from
   * RFC 6120's usual one (unsupported-info: modify). */
  static const struct {
    JaXmppErrorCondition cond;
    const char *element;
    const char *type;
  } map[] = {
    [JA_JINGLE_ERROR_OUT_OF_ORDER] =
        { JA_XMPP_ERROR_UNEXPECTED_REQUEST, "out-of-order" },
    [JA_JINGLE_ERROR_TIE_BREAK] = { JA_XMPP_ERROR_CONFLICT, "tie-break" },
    [JA_JINGLE_ERROR_UNKNOWN_SESSION] =
        { JA_XMPP_ERROR_ITEM_NOT_FOUND, "unknown-session" },
    [JA_JINGLE_ERROR_UNSUPPORTED_INFO] =
        { JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED, "unsupported-info",
          "modify" },
    [JA_JINGLE_ERROR_SECURITY_REQUIRED] =
        { JA_XMPP_ERROR_NOT_ACCEPTABLE, "security-required" },
    [JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS] =
        { JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED, NULL },
    [JA_JINGLE_ERROR_UNSUPPORTED_TRANSPORTS] =
        { JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED, NULL },
  };

  *app_condition = NULL;
  *type = NULL;
  if (error->code < 0 || (gsize) error->code >= G_N_ELEMENTS (map))
    return JA_XMPP_ERROR_UNDEFINED_CONDITION;
  *type = map[error->code].type;
  if (map[error->code].element != NULL)
    *app_condition = ja_xml_node_new (map[error->code].element,
        JA_NS_JINGLE_ERRORS);
  return map[error->code].cond;
}

void
ja_jingle_error_register (void)
{
  static gsize once;

  if (g_once_init_enter (&once)) {
    ja_xmpp_error_register_domain (JA_JINGLE_ERROR, map_jingle_error);
    g_once_init_leave (&once, 1);
  }
}

JaJingleReason
ja_jingle_error_to_reason (const GError *error)
{
  if (error != NULL && error->domain == JA_JINGLE_ERROR) {
    if (error->code == JA_JINGLE_ERROR_UNSUPPORTED_APPLICATIONS)
      return JA_JINGLE_REASON_UNSUPPORTED_APPLICATIONS;
    if (error->code == JA_JINGLE_ERROR_UNSUPPORTED_TRANSPORTS)
      return JA_JINGLE_REASON_UNSUPPORTED_TRANSPORTS;
    if (error->code == JA_JINGLE_ERROR_SECURITY_REQUIRED)
      return JA_JINGLE_REASON_SECURITY_ERROR;
  }
  return JA_JINGLE_REASON_GENERAL_ERROR;
}
