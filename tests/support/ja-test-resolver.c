/* ja-test-resolver.c — see ja-test-resolver.h. */
#include "tests/support/ja-test-resolver.h"

#include <string.h>

struct _JaTestResolver {
  GResolver parent;
  GHashTable *srv;        /* rrname → GList of GSrvTarget */
  GString *queries;
};

G_DEFINE_TYPE (JaTestResolver, ja_test_resolver, G_TYPE_RESOLVER)

static void
free_targets (gpointer data)
{
  g_resolver_free_targets (data);
}

static GList *
copy_targets (GList *list)
{
  GList *out = NULL;

  for (GList *l = list; l != NULL; l = l->next)
    out = g_list_append (out, g_srv_target_copy (l->data));
  return out;
}

static GList *
lookup (JaTestResolver *self, const char *rrname, GError **error)
{
  GList *found = g_hash_table_lookup (self->srv, rrname);
  const char *service = rrname + 1;
  const char *dot = strchr (service, '.');

  if (self->queries->len > 0)
    g_string_append_c (self->queries, ',');
  g_string_append_len (self->queries, service, dot ? dot - service : -1);
  if (found == NULL) {
    g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
        "no SRV record for %s", rrname);
    return NULL;
  }
  return copy_targets (found);
}

static GList *
lookup_service (GResolver *resolver, const char *rrname,
    GCancellable *cancellable, GError **error)
{
  return lookup (JA_TEST_RESOLVER (resolver), rrname, error);
}

static void
lookup_service_async (GResolver *resolver, const char *rrname,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer data)
{
  GTask *task = g_task_new (resolver, cancellable, callback, data);
  GError *error = NULL;
  GList *targets = lookup (JA_TEST_RESOLVER (resolver), rrname, &error);

  if (targets != NULL)
    g_task_return_pointer (task, targets, free_targets);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static GList *
lookup_service_finish (GResolver *resolver, GAsyncResult *result,
    GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
ja_test_resolver_finalize (GObject *object)
{
  JaTestResolver *self = JA_TEST_RESOLVER (object);

  g_hash_table_unref (self->srv);
  g_string_free (self->queries, TRUE);
  G_OBJECT_CLASS (ja_test_resolver_parent_class)->finalize (object);
}

static void
ja_test_resolver_class_init (JaTestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ja_test_resolver_finalize;
  resolver_class->lookup_service = lookup_service;
  resolver_class->lookup_service_async = lookup_service_async;
  resolver_class->lookup_service_finish = lookup_service_finish;
}

static void
ja_test_resolver_init (JaTestResolver *self)
{
  self->srv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      free_targets);
  self->queries = g_string_new (NULL);
}

JaTestResolver *
ja_test_resolver_new (void)
{
  return g_object_new (JA_TYPE_TEST_RESOLVER, NULL);
}

void
ja_test_resolver_add_srv (JaTestResolver *self, const char *service,
    const char *domain, const char *target, guint16 port)
{
  char *rrname = g_strdup_printf ("_%s._tcp.%s", service, domain);
  GList *list = g_hash_table_lookup (self->srv, rrname);

  list = g_list_append (copy_targets (list),
      g_srv_target_new (target, port, 0, 0));
  g_hash_table_insert (self->srv, rrname, list);
}

const char *
ja_test_resolver_get_queries (JaTestResolver *self)
{
  return self->queries->str;
}
