/* jingle-message.c — pure parse/build of <jingle/> (XEP-0166 §7, schema
 * §14). No I/O and no state: everything here is fuzzed
 * (tests/fuzz/fuzz-jingle-message.c). A JaJingleMessage owns copies of the
 * description/transport/security nodes and of the info payloads. */
#include "signalling/jingle/jingle-message.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static const char *const action_names[JA_JINGLE_N_ACTIONS] = {
  [JA_JINGLE_ACTION_CONTENT_ACCEPT] = "content-accept",
  [JA_JINGLE_ACTION_CONTENT_ADD] = "content-add",
  [JA_JINGLE_ACTION_CONTENT_MODIFY] = "content-modify",
  [JA_JINGLE_ACTION_CONTENT_REJECT] = "content-reject",
  [JA_JINGLE_ACTION_CONTENT_REMOVE] = "content-remove",
  [JA_JINGLE_ACTION_DESCRIPTION_INFO] = "description-info",
  [JA_JINGLE_ACTION_SECURITY_INFO] = "security-info",
  [JA_JINGLE_ACTION_SESSION_ACCEPT] = "session-accept",
  [JA_JINGLE_ACTION_SESSION_INFO] = "session-info",
  [JA_JINGLE_ACTION_SESSION_INITIATE] = "session-initiate",
  [JA_JINGLE_ACTION_SESSION_TERMINATE] = "session-terminate",
  [JA_JINGLE_ACTION_TRANSPORT_ACCEPT] = "transport-accept",
  [JA_JINGLE_ACTION_TRANSPORT_INFO] = "transport-info",
  [JA_JINGLE_ACTION_TRANSPORT_REJECT] = "transport-reject",
  [JA_JINGLE_ACTION_TRANSPORT_REPLACE] = "transport-replace",
};

static const char *const role_names[] = { "initiator", "responder" };
static const char *const senders_names[] = {
  "both", "initiator", "responder", "none",
};

static gboolean
lookup_name (const char *const *names, guint n, const char *what,
    const char *name, guint *out, GError **error)
{
  for (guint i = 0; name != NULL && i < n; i++) {
    if (g_str_equal (names[i], name)) {
      *out = i;
      return TRUE;
    }
  }
  g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
      "unknown Jingle %s '%.64s'", what, name ? name : "(none)");
  return FALSE;
}

const char *
ja_jingle_action_to_string (JaJingleAction action)
{
  if ((guint) action >= JA_JINGLE_N_ACTIONS)
    return "(invalid)";
  return action_names[action];
}

gboolean
ja_jingle_action_from_string (const char *name, JaJingleAction *out,
    GError **error)
{
  guint v;

  if (!lookup_name (action_names, JA_JINGLE_N_ACTIONS, "action", name, &v,
          error))
    return FALSE;
  *out = v;
  return TRUE;
}

const char *
ja_jingle_role_to_string (JaJingleRole role)
{
  return role_names[role == JA_JINGLE_ROLE_RESPONDER];
}

gboolean
ja_jingle_role_from_string (const char *name, JaJingleRole *out,
    GError **error)
{
  guint v;

  if (!lookup_name (role_names, G_N_ELEMENTS (role_names), "creator", name,
          &v, error))
    return FALSE;
  *out = v;
  return TRUE;
}

const char *
ja_jingle_senders_to_string (JaJingleSenders senders)
{
  if ((guint) senders >= G_N_ELEMENTS (senders_names))
    return "both";
  return senders_names[senders];
}

gboolean
ja_jingle_senders_from_string (const char *name, JaJingleSenders *out,
    GError **error)
{
  guint v;

  if (!lookup_name (senders_names, G_N_ELEMENTS (senders_names), "senders",
          name, &v, error))
    return FALSE;
  *out = v;
  return TRUE;
}

/* ---- construction ------------------------------------------------------- */

void
ja_jingle_message_content_free (JaJingleMessageContent *content)
{
  if (content == NULL)
    return;
  g_free (content->name);
  g_free (content->disposition);
  g_clear_pointer (&content->description, ja_xml_node_free);
  g_clear_pointer (&content->transport, ja_xml_node_free);
  g_clear_pointer (&content->security, ja_xml_node_free);
  g_free (content);
}

void
ja_jingle_message_reason_free (JaJingleMessageReason *reason)
{
  if (reason == NULL)
    return;
  g_free (reason->text);
  g_free (reason->alternative_sid);
  g_clear_pointer (&reason->detail, ja_xml_node_free);
  g_free (reason);
}

JaJingleMessage *
ja_jingle_message_new (JaJingleAction action, const char *sid)
{
  JaJingleMessage *msg = g_new0 (JaJingleMessage, 1);

  msg->action = action;
  msg->sid = g_strdup (sid);
  msg->contents = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_jingle_message_content_free);
  msg->payloads = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_xml_node_free);
  return msg;
}

void
ja_jingle_message_free (JaJingleMessage *msg)
{
  if (msg == NULL)
    return;
  g_free (msg->sid);
  g_free (msg->initiator);
  g_free (msg->responder);
  g_ptr_array_unref (msg->contents);
  g_ptr_array_unref (msg->payloads);
  ja_jingle_message_reason_free (msg->reason);
  g_free (msg);
}

JaJingleMessageContent *
ja_jingle_message_add_content (JaJingleMessage *msg, JaJingleRole creator,
    const char *name)
{
  JaJingleMessageContent *c = g_new0 (JaJingleMessageContent, 1);

  c->creator = creator;
  c->name = g_strdup (name);
  g_ptr_array_add (msg->contents, c);
  return c;
}

void
ja_jingle_message_set_reason (JaJingleMessage *msg, JaJingleReason condition,
    const char *text)
{
  ja_jingle_message_reason_free (msg->reason);
  msg->reason = g_new0 (JaJingleMessageReason, 1);
  msg->reason->condition = condition;
  msg->reason->text = g_strdup (text);
}

void
ja_jingle_message_add_payload (JaJingleMessage *msg, JaXmlNode *payload)
{
  g_ptr_array_add (msg->payloads, payload);
}

JaJingleMessageContent *
ja_jingle_message_find_content (const JaJingleMessage *msg,
    JaJingleRole creator, const char *name)
{
  for (guint i = 0; i < msg->contents->len; i++) {
    JaJingleMessageContent *c = g_ptr_array_index (msg->contents, i);

    if (c->creator == creator && g_strcmp0 (c->name, name) == 0)
      return c;
  }
  return NULL;
}

/* ---- parse -------------------------------------------------------------- */

static gboolean
check_bounded (const char *value, const char *what, gsize max,
    GError **error)
{
  if (value != NULL && strlen (value) > max) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "%s longer than %" G_GSIZE_FORMAT " bytes", what, max);
    return FALSE;
  }
  return TRUE;
}

/* A child description/transport/security must live in its plugin's
 * namespace; a second one of a kind is ignored (the schema allows one). */
static void
take_slot (JaXmlNode **slot, const JaXmlNode *child)
{
  if (*slot == NULL && child->ns != NULL && !g_str_equal (child->ns,
          JA_NS_JINGLE))
    *slot = ja_xml_node_copy (child);
}

static JaJingleMessageContent *
parse_content (const JaXmlNode *node, GError **error)
{
  const char *name = ja_xml_node_get_attr (node, "name");
  const char *creator = ja_xml_node_get_attr (node, "creator");
  const char *senders = ja_xml_node_get_attr (node, "senders");
  const char *disposition = ja_xml_node_get_attr (node, "disposition");
  JaJingleMessageContent *c;
  JaJingleRole role = JA_JINGLE_ROLE_INITIATOR;
  JaJingleSenders s = JA_JINGLE_SENDERS_BOTH;

  if (name == NULL || name[0] == '\0') {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "<content/> without a name");
    return NULL;
  }
  if (!check_bounded (name, "content name", JA_JINGLE_MAX_NAME_BYTES, error)
      || !check_bounded (disposition, "disposition",
          JA_JINGLE_MAX_NAME_BYTES, error))
    return NULL;
  /* §7.3 makes creator REQUIRED, but some clients omit it: the default is
   * the initiator. */
  if (creator != NULL && !ja_jingle_role_from_string (creator, &role, error))
    return NULL;
  if (senders != NULL && !ja_jingle_senders_from_string (senders, &s, error))
    return NULL;

  c = g_new0 (JaJingleMessageContent, 1);
  c->name = g_strdup (name);
  c->creator = role;
  c->senders = s;
  c->has_senders = senders != NULL;
  c->disposition = g_strdup (disposition);
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    JaXmlNode *child = ja_xml_node_get_child (node, i);

    if (g_str_equal (child->name, "description"))
      take_slot (&c->description, child);
    else if (g_str_equal (child->name, "transport"))
      take_slot (&c->transport, child);
    else if (g_str_equal (child->name, "security"))
      take_slot (&c->security, child);
  }
  return c;
}

static JaJingleMessageReason *
parse_reason (const JaXmlNode *node, GError **error)
{
  JaJingleMessageReason *r = g_new0 (JaJingleMessageReason, 1);
  gboolean have_condition = FALSE;

  r->condition = JA_JINGLE_REASON_GENERAL_ERROR;
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    JaXmlNode *child = ja_xml_node_get_child (node, i);

    if (g_strcmp0 (child->ns, JA_NS_JINGLE) != 0) {
      if (r->detail == NULL)
        r->detail = ja_xml_node_copy (child);
    } else if (g_str_equal (child->name, "text")) {
      if (!check_bounded (ja_xml_node_get_text (child), "reason text",
              JA_JINGLE_MAX_TEXT_BYTES, error)) {
        ja_jingle_message_reason_free (r);
        return NULL;
      }
      g_free (r->text);
      r->text = g_strdup (ja_xml_node_get_text (child));
    } else if (!have_condition && ja_jingle_reason_from_string (child->name,
            &r->condition, NULL)) {
      JaXmlNode *sid = ja_xml_node_find (child, "sid", NULL);

      have_condition = TRUE;
      if (r->condition == JA_JINGLE_REASON_ALTERNATIVE_SESSION && sid != NULL
          && check_bounded (ja_xml_node_get_text (sid), "alternative sid",
              JA_JINGLE_MAX_NAME_BYTES, NULL))
        r->alternative_sid = g_strdup (ja_xml_node_get_text (sid));
    }
  }
  /* A reason without a known condition is still a reason: refusing a
   * session-terminate over it would leave both sides hanging. */
  if (!have_condition)
    g_debug ("jingle: <reason/> without a known condition, using "
        "general-error");
  return r;
}

static gboolean
parse_children (JaJingleMessage *msg, const JaXmlNode *jingle, GError **error)
{
  for (guint i = 0; i < ja_xml_node_get_n_children (jingle); i++) {
    JaXmlNode *child = ja_xml_node_get_child (jingle, i);

    if (g_strcmp0 (child->ns, JA_NS_JINGLE) != 0) {
      if (child->ns == NULL)
        continue;
      if (msg->payloads->len >= JA_JINGLE_MAX_PAYLOADS) {
        g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
            "more than %d payloads", JA_JINGLE_MAX_PAYLOADS);
        return FALSE;
      }
      g_ptr_array_add (msg->payloads, ja_xml_node_copy (child));
    } else if (g_str_equal (child->name, "content")) {
      JaJingleMessageContent *c;

      if (msg->contents->len >= JA_JINGLE_MAX_CONTENTS) {
        g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
            "more than %d contents", JA_JINGLE_MAX_CONTENTS);
        return FALSE;
      }
      c = parse_content (child, error);
      if (c == NULL)
        return FALSE;
      if (ja_jingle_message_find_content (msg, c->creator, c->name)) {
        g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
            "content '%s' appears twice", c->name);
        ja_jingle_message_content_free (c);
        return FALSE;
      }
      g_ptr_array_add (msg->contents, c);
    } else if (g_str_equal (child->name, "reason") && msg->reason == NULL) {
      msg->reason = parse_reason (child, error);
      if (msg->reason == NULL)
        return FALSE;
    }
  }
  return TRUE;
}

JaJingleMessage *
ja_jingle_message_parse (const JaXmlNode *jingle, GError **error)
{
  g_autoptr (JaJingleMessage) msg = NULL;
  const char *sid;
  const char *initiator;
  const char *responder;
  JaJingleAction action;

  if (jingle == NULL || !ja_xml_node_is (jingle, "jingle", JA_NS_JINGLE)) {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "not a <jingle xmlns='" JA_NS_JINGLE "'/> element");
    return NULL;
  }
  /* §7.2: an undefined action MUST be answered with bad-request. */
  if (!ja_jingle_action_from_string (ja_xml_node_get_attr (jingle, "action"),
          &action, error))
    return NULL;
  sid = ja_xml_node_get_attr (jingle, "sid");
  initiator = ja_xml_node_get_attr (jingle, "initiator");
  responder = ja_xml_node_get_attr (jingle, "responder");
  if (sid == NULL || sid[0] == '\0') {
    g_set_error_literal (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST,
        "<jingle/> without a sid");
    return NULL;
  }
  if (!check_bounded (sid, "sid", JA_JINGLE_MAX_NAME_BYTES, error)
      || !check_bounded (initiator, "initiator", 3071, error)
      || !check_bounded (responder, "responder", 3071, error))
    return NULL;

  msg = ja_jingle_message_new (action, sid);
  msg->initiator = g_strdup (initiator);
  msg->responder = g_strdup (responder);
  if (!parse_children (msg, jingle, error))
    return NULL;
  return g_steal_pointer (&msg);
}

/* ---- build -------------------------------------------------------------- */

static void
build_content (JaXmlNode *jingle, const JaJingleMessageContent *c)
{
  JaXmlNode *node = ja_xml_node_add_new (jingle, "content", NULL);

  ja_xml_node_set_attr (node, "creator", ja_jingle_role_to_string (c->creator));
  ja_xml_node_set_attr (node, "name", c->name);
  if (c->disposition != NULL)
    ja_xml_node_set_attr (node, "disposition", c->disposition);
  if (c->has_senders)
    ja_xml_node_set_attr (node, "senders",
        ja_jingle_senders_to_string (c->senders));
  if (c->description != NULL)
    ja_xml_node_add_child (node, ja_xml_node_copy (c->description));
  if (c->transport != NULL)
    ja_xml_node_add_child (node, ja_xml_node_copy (c->transport));
  if (c->security != NULL)
    ja_xml_node_add_child (node, ja_xml_node_copy (c->security));
}

static void
build_reason (JaXmlNode *jingle, const JaJingleMessageReason *r)
{
  JaXmlNode *node = ja_xml_node_add_new (jingle, "reason", NULL);
  JaXmlNode *cond = ja_xml_node_add_new (node,
      ja_jingle_reason_to_string (r->condition), NULL);

  if (r->alternative_sid != NULL)
    ja_xml_node_set_text (ja_xml_node_add_new (cond, "sid", NULL),
        r->alternative_sid);
  if (r->text != NULL)
    ja_xml_node_set_text (ja_xml_node_add_new (node, "text", NULL), r->text);
  if (r->detail != NULL)
    ja_xml_node_add_child (node, ja_xml_node_copy (r->detail));
}

JaXmlNode *
ja_jingle_message_build (const JaJingleMessage *msg)
{
  JaXmlNode *jingle = ja_xml_node_new ("jingle", JA_NS_JINGLE);

  ja_xml_node_set_attr (jingle, "action",
      ja_jingle_action_to_string (msg->action));
  if (msg->initiator != NULL)
    ja_xml_node_set_attr (jingle, "initiator", msg->initiator);
  if (msg->responder != NULL)
    ja_xml_node_set_attr (jingle, "responder", msg->responder);
  ja_xml_node_set_attr (jingle, "sid", msg->sid);
  for (guint i = 0; i < msg->contents->len; i++)
    build_content (jingle, g_ptr_array_index (msg->contents, i));
  if (msg->reason != NULL)
    build_reason (jingle, msg->reason);
  for (guint i = 0; i < msg->payloads->len; i++)
    ja_xml_node_add_child (jingle,
        ja_xml_node_copy (g_ptr_array_index (msg->payloads, i)));
  return jingle;
}
