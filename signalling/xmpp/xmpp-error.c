/* xmpp-error.c — stanza error conditions (RFC 6120 §8.3) and the single
 * GError → <error/> conversion every handler's failure goes through. */
#include "signalling/xmpp/xmpp-error.h"

#include "signalling/xmpp/ns.h"

G_DEFINE_QUARK (ja-xmpp-error-quark, ja_xmpp_error)
G_DEFINE_QUARK (ja-xmpp-stream-error-quark, ja_xmpp_stream_error)

static const struct {
  const char *name;
  const char *type;
} conditions[JA_XMPP_ERROR_N_CONDITIONS] = {
  [JA_XMPP_ERROR_BAD_REQUEST] = { "bad-request", "modify" },
  [JA_XMPP_ERROR_CONFLICT] = { "conflict", "cancel" },
  [JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED] = { "feature-not-implemented", "cancel" },
  [JA_XMPP_ERROR_FORBIDDEN] = { "forbidden", "auth" },
  [JA_XMPP_ERROR_GONE] = { "gone", "cancel" },
  [JA_XMPP_ERROR_INTERNAL_SERVER_ERROR] = { "internal-server-error", "cancel" },
  [JA_XMPP_ERROR_ITEM_NOT_FOUND] = { "item-not-found", "cancel" },
  [JA_XMPP_ERROR_JID_MALFORMED] = { "jid-malformed", "modify" },
  [JA_XMPP_ERROR_NOT_ACCEPTABLE] = { "not-acceptable", "modify" },
  [JA_XMPP_ERROR_NOT_ALLOWED] = { "not-allowed", "cancel" },
  [JA_XMPP_ERROR_NOT_AUTHORIZED] = { "not-authorized", "auth" },
  [JA_XMPP_ERROR_POLICY_VIOLATION] = { "policy-violation", "modify" },
  [JA_XMPP_ERROR_RECIPIENT_UNAVAILABLE] = { "recipient-unavailable", "wait" },
  [JA_XMPP_ERROR_REDIRECT] = { "redirect", "modify" },
  [JA_XMPP_ERROR_REGISTRATION_REQUIRED] = { "registration-required", "auth" },
  [JA_XMPP_ERROR_REMOTE_SERVER_NOT_FOUND] = { "remote-server-not-found", "cancel" },
  [JA_XMPP_ERROR_REMOTE_SERVER_TIMEOUT] = { "remote-server-timeout", "wait" },
  [JA_XMPP_ERROR_RESOURCE_CONSTRAINT] = { "resource-constraint", "wait" },
  [JA_XMPP_ERROR_SERVICE_UNAVAILABLE] = { "service-unavailable", "cancel" },
  [JA_XMPP_ERROR_SUBSCRIPTION_REQUIRED] = { "subscription-required", "auth" },
  [JA_XMPP_ERROR_UNDEFINED_CONDITION] = { "undefined-condition", "cancel" },
  [JA_XMPP_ERROR_UNEXPECTED_REQUEST] = { "unexpected-request", "wait" },
};

const char *
ja_xmpp_error_condition_to_string (JaXmppErrorCondition cond)
{
  if ((guint) cond >= JA_XMPP_ERROR_N_CONDITIONS)
    return "undefined-condition";
  return conditions[cond].name;
}

const char *
ja_xmpp_error_condition_type (JaXmppErrorCondition cond)
{
  if ((guint) cond >= JA_XMPP_ERROR_N_CONDITIONS)
    return "cancel";
  return conditions[cond].type;
}

gboolean
ja_xmpp_error_condition_from_string (const char *name,
    JaXmppErrorCondition *cond)
{
  for (guint i = 0; name != NULL && i < JA_XMPP_ERROR_N_CONDITIONS; i++) {
    if (g_str_equal (conditions[i].name, name)) {
      *cond = i;
      return TRUE;
    }
  }
  return FALSE;
}

/* Mappers are registered once at start-up by the layers above. */
static GHashTable *mappers;
G_LOCK_DEFINE_STATIC (mappers);

void
ja_xmpp_error_register_domain (GQuark domain, JaXmppErrorMapper mapper)
{
  G_LOCK (mappers);
  if (mappers == NULL)
    mappers = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (mappers, GUINT_TO_POINTER (domain), mapper);
  G_UNLOCK (mappers);
}

JaXmlNode *
ja_xmpp_error_to_node (const GError *error)
{
  JaXmppErrorCondition cond = JA_XMPP_ERROR_UNDEFINED_CONDITION;
  JaXmlNode *app = NULL;
  const char *type = NULL;
  JaXmlNode *node;

  if (error->domain == JA_XMPP_ERROR) {
    cond = error->code;
  } else {
    JaXmppErrorMapper mapper = NULL;

    G_LOCK (mappers);
    if (mappers != NULL)
      mapper = g_hash_table_lookup (mappers, GUINT_TO_POINTER (error->domain));
    G_UNLOCK (mappers);
    if (mapper != NULL)
      cond = mapper (error, &app, &type);
  }

  node = ja_xml_node_new ("error", NULL);
  ja_xml_node_set_attr (node, "type",
      type != NULL ? type : ja_xmpp_error_condition_type (cond));
  ja_xml_node_add_new (node, ja_xmpp_error_condition_to_string (cond),
      JA_NS_STANZA_ERRORS);
  if (app != NULL)
    ja_xml_node_add_child (node, app);
  if (error->message != NULL && error->message[0] != '\0') {
    JaXmlNode *text = ja_xml_node_add_new (node, "text", JA_NS_STANZA_ERRORS);
    ja_xml_node_set_text (text, error->message);
  }
  return node;
}

GError *
ja_xmpp_error_from_stanza (const JaXmlNode *stanza)
{
  JaXmlNode *err = ja_xml_node_find (stanza, "error", NULL);
  JaXmppErrorCondition cond = JA_XMPP_ERROR_UNDEFINED_CONDITION;
  const char *text = NULL;

  if (err == NULL)
    return g_error_new_literal (JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "error stanza without <error/>");
  for (guint i = 0; i < ja_xml_node_get_n_children (err); i++) {
    JaXmlNode *c = ja_xml_node_get_child (err, i);

    if (g_strcmp0 (c->ns, JA_NS_STANZA_ERRORS) != 0)
      continue;
    if (g_str_equal (c->name, "text"))
      text = ja_xml_node_get_text (c);
    else
      ja_xmpp_error_condition_from_string (c->name, &cond);
  }
  return g_error_new (JA_XMPP_ERROR, cond, "%s%s%s",
      ja_xmpp_error_condition_to_string (cond), text ? ": " : "",
      text ? text : "");
}

gboolean
ja_xmpp_error_bad_request (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST, msg);
  return FALSE;
}
