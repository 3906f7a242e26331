/* jingle-test-fakes.c — see jingle-test-fakes.h. */
#include "tests/unit/jingle/jingle-test-fakes.h"

#include <string.h>

#include "signalling/jingle/jingle-error.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"

typedef struct {
  JaJingleIqCallback callback;
  gpointer user_data;
} Pending;

struct _FakeSignalling {
  JaJingleSignalling parent;
  GQueue sent;                /* JaXmlNode* */
  GHashTable *pending;        /* id → Pending* */
  JaXmppIqHandler handler;
  gpointer handler_data;
  guint next_id;
  char *last_id;
};

/* ---- XML ---------------------------------------------------------------- */

static void
stanza_cb (gpointer user_data, JaXmlNode *stanza)
{
  JaXmlNode **out = user_data;

  if (*out == NULL)
    *out = stanza;
  else
    ja_xml_node_free (stanza);
}

JaXmlNode *
fake_parse (const char *xml)
{
  static const JaXmlStreamCallbacks cbs = { .stanza = stanza_cb };
  JaXmlNode *node = NULL;
  JaXmlStreamParser *p = ja_xml_stream_parser_new (NULL, &cbs, &node);
  g_autofree char *doc = g_strdup_printf ("<w xmlns='jabber:client'>%s</w>",
      xml);
  g_autoptr (GError) error = NULL;

  ja_xml_stream_parser_set_require_stream_header (p, FALSE);
  ja_xml_stream_parser_feed (p, doc, strlen (doc), &error);
  g_assert_no_error (error);
  ja_xml_stream_parser_free (p);
  g_assert_nonnull (node);
  return node;
}

static char *
trimmed (const char *text)
{
  return g_strstrip (g_strdup (text));
}

/* An element without a namespace inherits its parent's (xml-node.h). */
static gboolean
xml_equal (const JaXmlNode *e, const char *e_parent_ns, const JaXmlNode *a,
    const char *a_parent_ns, GString *why)
{
  const char *ens = e->ns ? e->ns : e_parent_ns;
  const char *ans = a->ns ? a->ns : a_parent_ns;
  g_autofree char *te = trimmed (ja_xml_node_get_text (e));
  g_autofree char *ta = trimmed (ja_xml_node_get_text (a));

  if (g_strcmp0 (e->name, a->name) != 0 || g_strcmp0 (ens, ans) != 0) {
    g_string_append_printf (why, "element {%s}%s != {%s}%s", ens, e->name,
        ans, a->name);
    return FALSE;
  }
  if (ja_xml_node_get_n_attrs (e) != ja_xml_node_get_n_attrs (a)) {
    g_string_append_printf (why, "<%s/>: %u attributes != %u", e->name,
        ja_xml_node_get_n_attrs (e), ja_xml_node_get_n_attrs (a));
    return FALSE;
  }
  for (guint i = 0; e->attrs != NULL && i < e->attrs->len; i += 2) {
    const char *name = g_ptr_array_index (e->attrs, i);
    const char *ve = g_ptr_array_index (e->attrs, i + 1);
    const char *va = ja_xml_node_get_attr (a, name);

    if (va == NULL || (strcmp (ve, "{id}") != 0 && strcmp (ve, va) != 0)) {
      g_string_append_printf (why, "<%s %s='%s'/> != '%s'", e->name, name, ve,
          va ? va : "(absent)");
      return FALSE;
    }
  }
  if (strcmp (te, ta) != 0) {
    g_string_append_printf (why, "<%s/> text '%s' != '%s'", e->name, te, ta);
    return FALSE;
  }
  if (ja_xml_node_get_n_children (e) != ja_xml_node_get_n_children (a)) {
    g_string_append_printf (why, "<%s/>: %u children != %u", e->name,
        ja_xml_node_get_n_children (e), ja_xml_node_get_n_children (a));
    return FALSE;
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (e); i++) {
    if (!xml_equal (ja_xml_node_get_child (e, i), ens,
            ja_xml_node_get_child (a, i), ans, why))
      return FALSE;
  }
  return TRUE;
}

gboolean
fake_xml_equal (const JaXmlNode *e, const JaXmlNode *a, GString *why)
{
  return xml_equal (e, NULL, a, NULL, why);
}

/* ---- the fake signalling ------------------------------------------------ */

static void
fake_send_iq (JaJingleSignalling *sig, JaXmlNode *iq,
    JaJingleIqCallback callback, gpointer user_data)
{
  FakeSignalling *self = (FakeSignalling *) sig;
  Pending *p = g_new0 (Pending, 1);
  char *id = g_strdup_printf ("o%u", ++self->next_id);

  ja_xml_node_set_attr (iq, "id", id);
  p->callback = callback;
  p->user_data = user_data;
  g_hash_table_insert (self->pending, id, p);
  g_queue_push_tail (&self->sent, iq);
}

static JaXmlNode *
new_reply (const JaXmlNode *request, const char *type)
{
  JaXmlNode *reply = ja_xml_node_new ("iq", JA_NS_CLIENT);

  ja_xml_node_set_attr (reply, "type", type);
  ja_xml_node_set_attr (reply, "to", ja_xml_node_get_attr (request, "from"));
  ja_xml_node_set_attr (reply, "id", ja_xml_node_get_attr (request, "id"));
  return reply;
}

static void
fake_reply (JaJingleSignalling *sig, const JaXmlNode *iq, JaXmlNode *result)
{
  FakeSignalling *self = (FakeSignalling *) sig;
  JaXmlNode *reply = new_reply (iq, "result");

  if (result != NULL)
    ja_xml_node_add_child (reply, result);
  g_queue_push_tail (&self->sent, reply);
}

static void
fake_reply_error (JaJingleSignalling *sig, const JaXmlNode *iq,
    const GError *error)
{
  FakeSignalling *self = (FakeSignalling *) sig;
  JaXmlNode *reply = new_reply (iq, "error");
  JaXmlNode *err = ja_xmpp_error_to_node (error);

  /* Tests compare conditions, not the human text. */
  ja_xml_node_free (ja_xml_node_steal_child (err,
          ja_xml_node_find (err, "text", JA_NS_STANZA_ERRORS)));
  ja_xml_node_add_child (reply, err);
  g_queue_push_tail (&self->sent, reply);
}

static const char *
fake_own_jid (JaJingleSignalling *sig)
{
  return FAKE_OWN;
}

static guint
fake_add_iq_handler (JaJingleSignalling *sig, const char *name,
    const char *ns, JaXmppIqHandler handler, gpointer user_data)
{
  FakeSignalling *self = (FakeSignalling *) sig;

  g_assert_cmpstr (name, ==, "jingle");
  g_assert_cmpstr (ns, ==, JA_NS_JINGLE);
  self->handler = handler;
  self->handler_data = user_data;
  return 1;
}

static void
fake_remove_handler (JaJingleSignalling *sig, guint id)
{
  ((FakeSignalling *) sig)->handler = NULL;
}

static void
fake_free (JaJingleSignalling *sig)
{
  FakeSignalling *self = (FakeSignalling *) sig;
  g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR,
      G_IO_ERROR_CANCELLED, "gone");
  GHashTableIter iter;
  gpointer key, value;
  GPtrArray *calls = g_ptr_array_new_with_free_func (g_free);

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    g_ptr_array_add (calls, value);
    g_hash_table_iter_steal (&iter);
    g_free (key);
  }
  for (guint i = 0; i < calls->len; i++) {
    Pending *p = g_ptr_array_index (calls, i);

    if (p->callback != NULL)
      p->callback (NULL, cancelled, p->user_data);
  }
  g_ptr_array_unref (calls);
  g_hash_table_unref (self->pending);
  g_queue_clear_full (&self->sent, (GDestroyNotify) ja_xml_node_free);
  g_free (self->last_id);
  g_free (self);
}

static const JaJingleSignallingOps fake_ops = {
  .send_iq = fake_send_iq,
  .reply = fake_reply,
  .reply_error = fake_reply_error,
  .own_jid = fake_own_jid,
  .add_iq_handler = fake_add_iq_handler,
  .remove_handler = fake_remove_handler,
  .free = fake_free,
};

FakeSignalling *
fake_signalling_new (void)
{
  FakeSignalling *self = g_new0 (FakeSignalling, 1);

  self->parent.ops = &fake_ops;
  g_queue_init (&self->sent);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  return self;
}

JaJingleSignalling *
fake_signalling_base (FakeSignalling *fake)
{
  return &fake->parent;
}

void
fake_deliver (FakeSignalling *fake, const char *fmt, ...)
{
  g_autofree char *xml = NULL;
  g_autoptr (JaXmlNode) iq = NULL;
  va_list args;

  va_start (args, fmt);
  xml = g_strdup_vprintf (fmt, args);
  va_end (args);
  iq = fake_parse (xml);
  fake_deliver_node (fake, iq);
}

void
fake_deliver_node (FakeSignalling *fake, const JaXmlNode *iq)
{
  g_autoptr (JaXmlNode) result = NULL;
  g_autoptr (GError) error = NULL;
  gboolean deferred = FALSE;

  g_assert_nonnull (fake->handler);
  /* What xmpp-stream-stanzas.c route_iq_cb does. */
  if (!fake->handler (iq, &result, &deferred, fake->handler_data, &error))
    fake_reply_error (&fake->parent, iq, error);
  else if (!deferred)
    fake_reply (&fake->parent, iq, g_steal_pointer (&result));
}

JaXmlNode *
fake_pop (FakeSignalling *fake)
{
  return g_queue_pop_head (&fake->sent);
}

guint
fake_n_sent (FakeSignalling *fake)
{
  return g_queue_get_length (&fake->sent);
}

void
fake_drop_all (FakeSignalling *fake)
{
  JaXmlNode *n;

  while ((n = fake_pop (fake)) != NULL)
    ja_xml_node_free (n);
}

const char *
fake_expect (FakeSignalling *fake, const char *fmt, ...)
{
  g_autofree char *xml = NULL;
  g_autoptr (JaXmlNode) expected = NULL;
  g_autoptr (JaXmlNode) actual = fake_pop (fake);
  g_autoptr (GString) why = g_string_new (NULL);
  va_list args;

  va_start (args, fmt);
  xml = g_strdup_vprintf (fmt, args);
  va_end (args);
  expected = fake_parse (xml);
  if (actual == NULL)
    g_error ("expected %s, but nothing was sent", xml);
  if (!fake_xml_equal (expected, actual, why)) {
    g_autofree char *got = ja_xml_node_to_string (actual, JA_NS_CLIENT);

    g_error ("expected:\n  %s\ngot:\n  %s\n(%s)", xml, got, why->str);
  }
  g_free (fake->last_id);
  fake->last_id = g_strdup (ja_xml_node_get_attr (actual, "id"));
  return fake->last_id;
}

void
fake_expect_nothing (FakeSignalling *fake)
{
  JaXmlNode *n = fake_pop (fake);

  if (n != NULL) {
    g_autofree char *got = ja_xml_node_to_string (n, JA_NS_CLIENT);

    g_error ("expected nothing, got %s", got);
  }
}

void
fake_answer (FakeSignalling *fake, const char *id, const char *condition)
{
  Pending *p = NULL;
  g_autofree char *key = NULL;

  g_assert_true (g_hash_table_steal_extended (fake->pending, id,
          (gpointer *) &key, (gpointer *) &p));
  if (p->callback != NULL) {
    if (condition == NULL) {
      g_autoptr (JaXmlNode) result = fake_parse (
          "<iq type='result' from='" FAKE_PEER "'/>");

      p->callback (result, NULL, p->user_data);
    } else {
      g_autofree char *xml = g_strdup_printf ("<iq type='error'><error "
          "type='cancel'><%s xmlns='" JA_NS_STANZA_ERRORS "'/></error></iq>",
          condition);
      g_autoptr (JaXmlNode) stanza = fake_parse (xml);
      g_autoptr (GError) error = ja_xmpp_error_from_stanza (stanza);

      p->callback (NULL, error, p->user_data);
    }
  }
  g_free (p);
}

void
fake_answer_all (FakeSignalling *fake)
{
  GList *ids = g_hash_table_get_keys (fake->pending);
  GList *dup = NULL;

  for (GList *l = ids; l != NULL; l = l->next)
    dup = g_list_prepend (dup, g_strdup (l->data));
  g_list_free (ids);
  for (GList *l = dup; l != NULL; l = l->next)
    fake_answer (fake, l->data, NULL);
  g_list_free_full (dup, g_free);
}
