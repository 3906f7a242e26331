/* media-loop.c — the process-wide media thread (see media-loop.h). */
#include "media/media-loop.h"

#include <errno.h>
#include <time.h>

/* Sources dispatched per tick, at most: a socket that is always readable
 * cannot keep the thread from its ticks. */
#define MAX_DISPATCH_ROUNDS 32
/* After a stall (suspend, overload) the loop does not burst to catch up. */
#define MAX_BEHIND_TICKS 5

typedef struct {
  const JaMediaLoopFuncs *funcs;
  gpointer data;
} Client;

static struct {
  GRecMutex work;      /* held while a tick runs; guards clients */
  GMutex idle_lock;    /* with idle_cond: waiting for a first client */
  GCond idle_cond;
  GThread *thread;
  GMainContext *context;
  GArray *clients;     /* of Client */
  gint n_clients;      /* atomic, read without the work lock */
} loop;

static GPrivate in_loop = G_PRIVATE_INIT (NULL);

static gsize initialised;

static void
ensure_init (void)
{
  if (g_once_init_enter (&initialised)) {
    loop.context = g_main_context_new ();
    loop.clients = g_array_new (FALSE, FALSE, sizeof (Client));
    g_once_init_leave (&initialised, 1);
  }
}

gboolean
ja_media_loop_in_thread (void)
{
  return g_private_get (&in_loop) != NULL;
}

GMainContext *
ja_media_loop_get_context (void)
{
  ensure_init ();
  return loop.context;
}

void
ja_media_loop_lock (void)
{
  g_rec_mutex_lock (&loop.work);
}

void
ja_media_loop_unlock (void)
{
  g_rec_mutex_unlock (&loop.work);
}

static void
sleep_until (gint64 deadline_us)
{
  struct timespec ts = { deadline_us / G_USEC_PER_SEC,
                         (deadline_us % G_USEC_PER_SEC) * 1000 };

  /* g_get_monotonic_time () is CLOCK_MONOTONIC. */
  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static void
run_tick (gint64 now)
{
  for (guint i = 0; i < MAX_DISPATCH_ROUNDS
       && g_main_context_iteration (loop.context, FALSE); i++)
    ;
  for (guint phase = 0; phase < JA_MEDIA_LOOP_PHASES; phase++)
    for (guint i = 0; i < loop.clients->len; i++) {
      Client *c = &g_array_index (loop.clients, Client, i);

      if (c->funcs->phase[phase] != NULL)
        c->funcs->phase[phase] (c->data, now);
    }
}

static gpointer
thread_run (gpointer data)
{
  gint64 next = 0;

  g_private_set (&in_loop, GINT_TO_POINTER (1));
  if (!g_main_context_acquire (loop.context))
    g_error ("media loop: cannot own its context");
  for (;;) {
    gint64 now;

    if (g_atomic_int_get (&loop.n_clients) == 0) {
      g_mutex_lock (&loop.idle_lock);
      while (g_atomic_int_get (&loop.n_clients) == 0)
        g_cond_wait (&loop.idle_cond, &loop.idle_lock);
      g_mutex_unlock (&loop.idle_lock);
      next = 0;
    }
    now = g_get_monotonic_time ();
    if (next == 0 || now - next > MAX_BEHIND_TICKS * JA_MEDIA_LOOP_TICK_US)
      next = now + JA_MEDIA_LOOP_TICK_US;
    if (now < next) {
      sleep_until (next);
      continue;
    }
    g_rec_mutex_lock (&loop.work);
    run_tick (now);
    g_rec_mutex_unlock (&loop.work);
    next += JA_MEDIA_LOOP_TICK_US;
  }
  return NULL;
}

void
ja_media_loop_add (const JaMediaLoopFuncs *funcs, gpointer data)
{
  Client c = { funcs, data };

  g_return_if_fail (funcs != NULL && !ja_media_loop_in_thread ());

  ensure_init ();
  g_rec_mutex_lock (&loop.work);
  g_array_append_val (loop.clients, c);
  g_mutex_lock (&loop.idle_lock);
  g_atomic_int_inc (&loop.n_clients);
  if (loop.thread == NULL) /* process-wide, never joined */
    loop.thread = g_thread_new ("ja-media", thread_run, NULL);
  g_cond_signal (&loop.idle_cond);
  g_mutex_unlock (&loop.idle_lock);
  g_rec_mutex_unlock (&loop.work);
}

void
ja_media_loop_remove (gpointer data)
{
  g_return_if_fail (!ja_media_loop_in_thread ());

  ensure_init ();
  g_rec_mutex_lock (&loop.work);
  for (guint i = 0; i < loop.clients->len; i++)
    if (g_array_index (loop.clients, Client, i).data == data) {
      g_array_remove_index (loop.clients, i);
      g_atomic_int_add (&loop.n_clients, -1);
      break;
    }
  g_rec_mutex_unlock (&loop.work);
}
