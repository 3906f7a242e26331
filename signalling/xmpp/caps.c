/* caps.c — XEP-0115 entity capabilities: the verification string of §5.1
 * and its base64 SHA-1, including XEP-0128 extended forms. Input that §5.4
 * calls ill-formed (duplicate identities, features or FORM_TYPEs, a
 * FORM_TYPE with differing values) yields NULL; forms without a hidden
 * FORM_TYPE are ignored. Pure: borrows every node and string it is given. */

#include "signalling/xmpp/caps.h"

#include <string.h>

#include "signalling/xmpp/ns.h"

typedef struct {
  const char *form_type;
  const JaXmlNode *node;
} Form;

typedef struct {
  const char *var;
  const JaXmlNode *node;
} Field;

/* i;octet (RFC 4790 §9.3) is strcmp: it compares bytes as unsigned char. */
static int
compare_octet (const char *a, const char *b)
{
  return strcmp (a != NULL ? a : "", b != NULL ? b : "");
}

static int
compare_string_ptr (gconstpointer a, gconstpointer b)
{
  return compare_octet (*(const char *const *) a, *(const char *const *) b);
}

/* §5.1 step 2: category, then type, then xml:lang; the name only breaks
 * ties so that the order never depends on the input order. */
static int
compare_identity (gconstpointer a, gconstpointer b)
{
  const JaCapsIdentity *x = *(const JaCapsIdentity *const *) a;
  const JaCapsIdentity *y = *(const JaCapsIdentity *const *) b;
  int c;

  c = compare_octet (x->category, y->category);
  if (c == 0)
    c = compare_octet (x->type, y->type);
  if (c == 0)
    c = compare_octet (x->lang, y->lang);
  if (c == 0)
    c = compare_octet (x->name, y->name);
  return c;
}

static int
compare_form (gconstpointer a, gconstpointer b)
{
  return compare_octet (((const Form *) a)->form_type,
      ((const Form *) b)->form_type);
}

static int
compare_field (gconstpointer a, gconstpointer b)
{
  return compare_octet (((const Field *) a)->var, ((const Field *) b)->var);
}

static gboolean
is_form_child (const JaXmlNode *node, const char *name)
{
  return ja_xml_node_is (node, name, JA_NS_DATA_FORMS);
}

/* The FORM_TYPE of a form, or NULL when the form has none (or one that is
 * not hidden) and must be ignored (§5.4 step 3.6). *ill_formed is set when
 * it has several FORM_TYPE fields or values that differ (§5.4 step 3.5). */
static const char *
get_form_type (const JaXmlNode *form, gboolean *ill_formed)
{
  const JaXmlNode *type_field = NULL;
  const char *value = NULL;
  guint n = ja_xml_node_get_n_children (form);

  for (guint i = 0; i < n; i++) {
    const JaXmlNode *child = ja_xml_node_get_child (form, i);

    if (!is_form_child (child, "field")
        || g_strcmp0 (ja_xml_node_get_attr (child, "var"), "FORM_TYPE") != 0)
      continue;
    if (type_field != NULL) {
      *ill_formed = TRUE;
      return NULL;
    }
    type_field = child;
  }
  if (type_field == NULL
      || g_strcmp0 (ja_xml_node_get_attr (type_field, "type"), "hidden") != 0)
    return NULL;

  n = ja_xml_node_get_n_children (type_field);
  for (guint i = 0; i < n; i++) {
    const JaXmlNode *child = ja_xml_node_get_child (type_field, i);
    const char *text;

    if (!is_form_child (child, "value"))
      continue;
    text = ja_xml_node_get_text (child);
    if (value != NULL && strcmp (value, text) != 0) {
      *ill_formed = TRUE;
      return NULL;
    }
    value = text;
  }
  return value;
}

/* §5.1 step 7.3: each field but FORM_TYPE, by var, with its values sorted. */
static void
append_form (GString *s, const Form *form)
{
  g_autoptr (GArray) fields = g_array_new (FALSE, FALSE, sizeof (Field));
  guint n = ja_xml_node_get_n_children (form->node);

  g_string_append (s, form->form_type);
  g_string_append_c (s, '<');

  for (guint i = 0; i < n; i++) {
    Field f = { NULL, ja_xml_node_get_child (form->node, i) };

    if (!is_form_child (f.node, "field"))
      continue;
    f.var = ja_xml_node_get_attr (f.node, "var");
    if (f.var == NULL || strcmp (f.var, "FORM_TYPE") == 0)
      continue;
    g_array_append_val (fields, f);
  }
  g_array_sort (fields, compare_field);

  for (guint i = 0; i < fields->len; i++) {
    const Field *f = &g_array_index (fields, Field, i);
    g_autoptr (GPtrArray) values = g_ptr_array_new ();
    guint n_values = ja_xml_node_get_n_children (f->node);

    g_string_append (s, f->var);
    g_string_append_c (s, '<');
    for (guint j = 0; j < n_values; j++) {
      const JaXmlNode *child = ja_xml_node_get_child (f->node, j);

      if (is_form_child (child, "value"))
        g_ptr_array_add (values, (gpointer) ja_xml_node_get_text (child));
    }
    g_ptr_array_sort (values, compare_string_ptr);
    for (guint j = 0; j < values->len; j++) {
      g_string_append (s, g_ptr_array_index (values, j));
      g_string_append_c (s, '<');
    }
  }
}

static gboolean
append_identities (GString *s, const JaCapsIdentity *identities, guint n)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (n);

  for (guint i = 0; i < n; i++) {
    g_return_val_if_fail (identities[i].category != NULL
        && identities[i].type != NULL, FALSE);
    g_ptr_array_add (sorted, (gpointer) &identities[i]);
  }
  g_ptr_array_sort (sorted, compare_identity);

  for (guint i = 0; i < sorted->len; i++) {
    const JaCapsIdentity *id = g_ptr_array_index (sorted, i);

    /* §5.4 step 3.3: the same category/type/lang/name twice. */
    if (i > 0 && compare_identity (&sorted->pdata[i - 1],
            &sorted->pdata[i]) == 0)
      return FALSE;
    g_string_append_printf (s, "%s/%s/%s/%s<", id->category, id->type,
        id->lang != NULL ? id->lang : "", id->name != NULL ? id->name : "");
  }
  return TRUE;
}

static gboolean
append_features (GString *s, const char *const *features, guint n)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (n);

  for (guint i = 0; i < n; i++) {
    g_return_val_if_fail (features[i] != NULL, FALSE);
    g_ptr_array_add (sorted, (gpointer) features[i]);
  }
  g_ptr_array_sort (sorted, compare_string_ptr);

  for (guint i = 0; i < sorted->len; i++) {
    const char *feature = g_ptr_array_index (sorted, i);

    /* §5.4 step 3.4: the same feature twice. */
    if (i > 0 && strcmp (g_ptr_array_index (sorted, i - 1), feature) == 0)
      return FALSE;
    g_string_append (s, feature);
    g_string_append_c (s, '<');
  }
  return TRUE;
}

static gboolean
append_forms (GString *s, const JaXmlNode *const *forms, guint n)
{
  g_autoptr (GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Form));

  for (guint i = 0; i < n; i++) {
    gboolean ill_formed = FALSE;
    Form f = { NULL, forms[i] };

    g_return_val_if_fail (forms[i] != NULL, FALSE);
    f.form_type = get_form_type (forms[i], &ill_formed);
    if (ill_formed)
      return FALSE;
    if (f.form_type != NULL)
      g_array_append_val (sorted, f);
  }
  g_array_sort (sorted, compare_form);

  for (guint i = 0; i < sorted->len; i++) {
    const Form *f = &g_array_index (sorted, Form, i);

    /* §5.4 step 3.5: two forms with the same FORM_TYPE. */
    if (i > 0 && compare_form (f - 1, f) == 0)
      return FALSE;
    append_form (s, f);
  }
  return TRUE;
}

char *
ja_caps_verification_string (const JaCapsIdentity *identities,
    guint n_identities, const char *const *features, guint n_features,
    const JaXmlNode *const *forms, guint n_forms)
{
  g_autoptr (GString) s = g_string_new (NULL);

  g_return_val_if_fail (identities != NULL || n_identities == 0, NULL);
  g_return_val_if_fail (features != NULL || n_features == 0, NULL);
  g_return_val_if_fail (forms != NULL || n_forms == 0, NULL);

  if (!append_identities (s, identities, n_identities)
      || !append_features (s, features, n_features)
      || !append_forms (s, forms, n_forms))
    return NULL;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
ja_caps_hash_sha1 (const JaCapsIdentity *identities, guint n_identities,
    const char *const *features, guint n_features,
    const JaXmlNode *const *forms, guint n_forms)
{
  g_autofree char *s = NULL;
  g_autoptr (GChecksum) sha1 = NULL;
  guint8 digest[20];
  gsize len = sizeof digest;

  s = ja_caps_verification_string (identities, n_identities, features,
      n_features, forms, n_forms);
  if (s == NULL)
    return NULL;
  /* §5.1 step 9: binary SHA-1, base64 with padding and no whitespace. */
  sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, (const guchar *) s, strlen (s));
  g_checksum_get_digest (sha1, digest, &len);
  return g_base64_encode (digest, len);
}

char *
ja_caps_hash_from_disco_info (const JaXmlNode *query)
{
  g_autoptr (GArray) identities = NULL;
  g_autoptr (GPtrArray) features = NULL;
  g_autoptr (GPtrArray) forms = NULL;
  guint n;

  g_return_val_if_fail (query != NULL, NULL);

  identities = g_array_new (FALSE, FALSE, sizeof (JaCapsIdentity));
  features = g_ptr_array_new ();
  forms = g_ptr_array_new ();
  n = ja_xml_node_get_n_children (query);
  for (guint i = 0; i < n; i++) {
    const JaXmlNode *child = ja_xml_node_get_child (query, i);

    if (ja_xml_node_is (child, "identity", JA_NS_DISCO_INFO)) {
      JaCapsIdentity id = {
        ja_xml_node_get_attr (child, "category"),
        ja_xml_node_get_attr (child, "type"),
        ja_xml_node_get_attr (child, "xml:lang"),
        ja_xml_node_get_attr (child, "name"),
      };

      /* XEP-0030 §3.1: category and type are required. */
      if (id.category == NULL || id.type == NULL)
        return NULL;
      g_array_append_val (identities, id);
    } else if (ja_xml_node_is (child, "feature", JA_NS_DISCO_INFO)) {
      const char *var = ja_xml_node_get_attr (child, "var");

      if (var == NULL)
        return NULL;
      g_ptr_array_add (features, (gpointer) var);
    } else if (ja_xml_node_is (child, "x", JA_NS_DATA_FORMS)) {
      g_ptr_array_add (forms, (gpointer) child);
    }
  }

  return ja_caps_hash_sha1 ((const JaCapsIdentity *) identities->data,
      identities->len, (const char *const *) features->pdata, features->len,
      (const JaXmlNode *const *) forms->pdata, forms->len);
}
