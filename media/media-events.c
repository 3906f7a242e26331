/* media-events.c — see media-events.h. */
#include "media/media-events.h"

typedef struct {
  GSource source;
  JaMediaEvents *events;
} EventSource;

struct _JaMediaEvents {
  GMainContext *context;
  GSource *source;
  GAsyncQueue *queue;         /* events pushed by any thread */
  JaMediaEventsDeliver deliver;
  GDestroyNotify event_free;
  gpointer owner;
  gboolean in_dispatch;
  gboolean freed;             /* free() ran inside a delivery */
  GDestroyNotify owner_free;  /* then: what to call once it returns */
};

static void
finish (JaMediaEvents *self)
{
  GDestroyNotify owner_free = self->owner_free;
  gpointer owner = self->owner;

  g_free (self);
  if (owner_free != NULL)
    owner_free (owner);
}

static gboolean
dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  JaMediaEvents *self = ((EventSource *)source)->events;
  gpointer ev;

  g_source_set_ready_time (source, -1);
  self->in_dispatch = TRUE;
  /* One wake-up drains the whole batch: one context iteration per burst of
   * packets, not one per packet. After free() (from a delivery) the queue
   * is gone: nothing more is popped. */
  while (!self->freed && (ev = g_async_queue_try_pop (self->queue)) != NULL) {
    self->deliver (self->owner, ev);
    self->event_free (ev);
  }
  self->in_dispatch = FALSE;
  if (self->freed)
    finish (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs source_funcs = {
  .dispatch = dispatch,
};

JaMediaEvents *
ja_media_events_new (const char *name, JaMediaEventsDeliver deliver,
                     GDestroyNotify event_free, gpointer owner)
{
  JaMediaEvents *self = g_new0 (JaMediaEvents, 1);

  self->deliver = deliver;
  self->event_free = event_free;
  self->owner = owner;
  self->context = g_main_context_ref_thread_default ();
  self->queue = g_async_queue_new_full (event_free);
  self->source = g_source_new (&source_funcs, sizeof (EventSource));
  ((EventSource *)self->source)->events = self;
  g_source_set_name (self->source, name);
  g_source_attach (self->source, self->context);
  return self;
}

void
ja_media_events_push_quiet (JaMediaEvents *self, gpointer event)
{
  g_async_queue_push (self->queue, event);
}

void
ja_media_events_wake (JaMediaEvents *self)
{
  g_source_set_ready_time (self->source, 0);
}

void
ja_media_events_push (JaMediaEvents *self, gpointer event)
{
  ja_media_events_push_quiet (self, event);
  ja_media_events_wake (self);
}

void
ja_media_events_free (JaMediaEvents *self, GDestroyNotify owner_free)
{
  if (self == NULL)
    return;
  g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->owner_free = owner_free;
  if (self->in_dispatch)
    self->freed = TRUE; /* dispatch() finishes when the delivery returns */
  else
    finish (self);
}
