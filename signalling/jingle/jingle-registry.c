/* jingle-registry.c — kinds by namespace; transports sorted by priority
 * (highest first, registration order among equals). */
#include "signalling/jingle/jingle-registry.h"

#include "signalling/xmpp/ns.h"

struct _JaJingleRegistry {
  gint ref_count;
  GPtrArray *apps;        /* const JaJingleAppKind* */
  GPtrArray *transports;  /* const JaJingleTransportKind*, by priority */
};

JaJingleRegistry *
ja_jingle_registry_new (void)
{
  JaJingleRegistry *reg = g_new0 (JaJingleRegistry, 1);

  reg->ref_count = 1;
  reg->apps = g_ptr_array_new ();
  reg->transports = g_ptr_array_new ();
  return reg;
}

JaJingleRegistry *
ja_jingle_registry_ref (JaJingleRegistry *reg)
{
  g_atomic_int_inc (&reg->ref_count);
  return reg;
}

void
ja_jingle_registry_unref (JaJingleRegistry *reg)
{
  if (reg == NULL || !g_atomic_int_dec_and_test (&reg->ref_count))
    return;
  g_ptr_array_unref (reg->apps);
  g_ptr_array_unref (reg->transports);
  g_free (reg);
}

gboolean
ja_jingle_registry_add_app (JaJingleRegistry *reg, const JaJingleAppKind *kind)
{
  g_return_val_if_fail (reg != NULL, FALSE);
  if (!ja_jingle_app_kind_check (kind))
    return FALSE;
  if (ja_jingle_registry_lookup_app (reg, kind->ns) != NULL) {
    g_critical ("application kind %s registered twice", kind->ns);
    return FALSE;
  }
  g_ptr_array_add (reg->apps, (gpointer) kind);
  return TRUE;
}

gboolean
ja_jingle_registry_add_transport (JaJingleRegistry *reg,
    const JaJingleTransportKind *kind)
{
  guint i;

  g_return_val_if_fail (reg != NULL, FALSE);
  if (!ja_jingle_transport_kind_check (kind))
    return FALSE;
  if (ja_jingle_registry_lookup_transport (reg, kind->ns) != NULL) {
    g_critical ("transport kind %s registered twice", kind->ns);
    return FALSE;
  }
  for (i = 0; i < reg->transports->len; i++) {
    const JaJingleTransportKind *k = g_ptr_array_index (reg->transports, i);

    if (k->priority < kind->priority)
      break;
  }
  g_ptr_array_insert (reg->transports, i, (gpointer) kind);
  return TRUE;
}

const JaJingleAppKind *
ja_jingle_registry_lookup_app (JaJingleRegistry *reg, const char *ns)
{
  for (guint i = 0; ns != NULL && i < reg->apps->len; i++) {
    const JaJingleAppKind *k = g_ptr_array_index (reg->apps, i);

    if (g_str_equal (k->ns, ns))
      return k;
  }
  return NULL;
}

const JaJingleTransportKind *
ja_jingle_registry_lookup_transport (JaJingleRegistry *reg, const char *ns)
{
  for (guint i = 0; ns != NULL && i < reg->transports->len; i++) {
    const JaJingleTransportKind *k = g_ptr_array_index (reg->transports, i);

    if (g_str_equal (k->ns, ns))
      return k;
  }
  return NULL;
}

const JaJingleTransportKind *
ja_jingle_registry_next_transport (JaJingleRegistry *reg,
    JaJingleFlavor flavor, const GPtrArray *tried)
{
  for (guint i = 0; i < reg->transports->len; i++) {
    const JaJingleTransportKind *k = g_ptr_array_index (reg->transports, i);
    guint idx;

    if (k->flavor != flavor)
      continue;
    if (tried != NULL && g_ptr_array_find ((GPtrArray *) tried, k, &idx))
      continue;
    return k;
  }
  return NULL;
}

guint
ja_jingle_registry_get_n_transports (JaJingleRegistry *reg)
{
  return reg->transports->len;
}

const JaJingleTransportKind *
ja_jingle_registry_get_transport (JaJingleRegistry *reg, guint i)
{
  g_return_val_if_fail (i < reg->transports->len, NULL);
  return g_ptr_array_index (reg->transports, i);
}

char **
ja_jingle_registry_dup_features (JaJingleRegistry *reg)
{
  GStrvBuilder *b = g_strv_builder_new ();
  char **out;

  g_strv_builder_add (b, JA_NS_JINGLE);
  for (guint i = 0; i < reg->apps->len; i++)
    g_strv_builder_add (b,
        ((const JaJingleAppKind *) g_ptr_array_index (reg->apps, i))->ns);
  for (guint i = 0; i < reg->transports->len; i++)
    g_strv_builder_add (b, ((const JaJingleTransportKind *)
            g_ptr_array_index (reg->transports, i))->ns);
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return out;
}
