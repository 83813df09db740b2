//! Snapshots of lists that answer many reads of one plan with one request.
//!
//! Terraform refreshes every resource with a `ReadResource` call of its own,
//! ten at a time. Where one list carries every attribute a resource reads
//! (projects), the first read lists the objects and the concurrent and later
//! reads are served from that snapshot. A snapshot is dropped by any write
//! the client sends (before and after it) and lives at most
//! [`SNAPSHOT_MAX_AGE`]; callers read an object that is not in it with a GET
//! of its own (it may be newer than the list, or gone), and a failed list
//! leaves every reader to its own GET.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::OnceCell;
use tokio::time::Instant;

use super::models::ObjectMeta;

/// How long a snapshot answers reads: a plan's refresh reads come within a
/// few seconds of each other, so this only bounds how old a read can be in a
/// long-running process.
pub const SNAPSHOT_MAX_AGE: Duration = Duration::from_secs(10);

/// The value of one list, taken once for every reader that asks while it is current.
struct Slot<T> {
    generation: u64,
    taken: Instant,
    /// `None` when the list failed.
    value: OnceCell<Option<Arc<T>>>,
}

/// One kind of snapshot.
pub(crate) struct Snapshot<T> {
    slot: Mutex<Option<Arc<Slot<T>>>>,
}

impl<T> Default for Snapshot<T> {
    fn default() -> Self {
        Snapshot { slot: Mutex::new(None) }
    }
}

impl<T> Snapshot<T> {
    /// The current snapshot, listing it first (once, however many readers
    /// wait for it) when there is none. `None` when the list failed.
    async fn get<F, Fut>(&self, generation: u64, list: F) -> Option<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let slot = {
            let mut current = self.slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match &*current {
                Some(slot) if slot.generation == generation && slot.taken.elapsed() < SNAPSHOT_MAX_AGE => slot.clone(),
                _ => {
                    let fresh = Arc::new(Slot { generation, taken: Instant::now(), value: OnceCell::new() });
                    *current = Some(fresh.clone());
                    fresh
                }
            }
        };
        slot.value.get_or_init(|| async { list().await.map(Arc::new) }).await.clone()
    }

    /// Makes `value`, just listed by someone else, the current snapshot.
    fn prime(&self, generation: u64, value: T) {
        let slot = Slot { generation, taken: Instant::now(), value: OnceCell::new_with(Some(Some(Arc::new(value)))) };
        *self.slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Arc::new(slot));
    }
}

/// Every snapshot the client keeps, and the count of writes that ends them.
#[derive(Default)]
pub(crate) struct Snapshots {
    writes: AtomicU64,
    /// Tenant projects by UID, from `POST /v1/dashboard/projects`.
    projects: Snapshot<HashMap<String, ObjectMeta>>,
    /// The `{name, uid}` of every project, from `GET /v1/dashboard/projects/metadata`.
    project_names: Snapshot<Vec<ObjectMeta>>,
}

impl Snapshots {
    /// Ends every snapshot: called before and after each write.
    pub(crate) fn invalidate(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) async fn projects<F, Fut>(&self, list: F) -> Option<Arc<HashMap<String, ObjectMeta>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Option<HashMap<String, ObjectMeta>>>,
    {
        self.projects.get(self.writes.load(Ordering::SeqCst), list).await
    }

    pub(crate) async fn project_names<F, Fut>(&self, list: F) -> Option<Arc<Vec<ObjectMeta>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Option<Vec<ObjectMeta>>>,
    {
        self.project_names.get(self.writes.load(Ordering::SeqCst), list).await
    }

    /// Keeps the project names configure listed, for the lookups by name of
    /// the plan (the project data source, imports by name).
    pub(crate) fn prime_project_names(&self, names: Vec<ObjectMeta>) {
        self.project_names.prime(self.writes.load(Ordering::SeqCst), names);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn listing(counter: &AtomicUsize, answer: Option<u32>) -> impl Future<Output = Option<u32>> + '_ {
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(10)).await;
            answer
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_readers_share_one_list() {
        let snapshot = Snapshot::<u32>::default();
        let lists = AtomicUsize::new(0);
        let readers = (0..10).map(|_| snapshot.get(0, || listing(&lists, Some(7))));
        let answers = futures::future::join_all(readers).await;
        assert!(answers.iter().all(|a| a.as_deref() == Some(&7)), "{answers:?}");
        assert_eq!(lists.load(Ordering::SeqCst), 1);
        assert_eq!(snapshot.get(0, || listing(&lists, Some(8))).await.as_deref(), Some(&7), "later readers too");
        assert_eq!(lists.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_or_age_ends_the_snapshot() {
        let snapshots = Snapshots::default();
        let lists = AtomicUsize::new(0);
        let list = |n: usize| {
            let lists = &lists;
            move || async move {
                lists.fetch_add(1, Ordering::SeqCst);
                Some(HashMap::from([(n.to_string(), ObjectMeta::default())]))
            }
        };
        assert!(snapshots.projects(list(1)).await.unwrap().contains_key("1"));
        snapshots.invalidate();
        assert!(snapshots.projects(list(2)).await.unwrap().contains_key("2"), "listed again after a write");
        tokio::time::advance(SNAPSHOT_MAX_AGE).await;
        assert!(snapshots.projects(list(3)).await.unwrap().contains_key("3"), "listed again when old");
        assert!(snapshots.projects(list(4)).await.unwrap().contains_key("3"));
        assert_eq!(lists.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_primed_snapshot_answers_until_a_write() {
        let snapshots = Snapshots::default();
        snapshots.prime_project_names(vec![ObjectMeta::named("Default")]);
        let unexpected = || async { panic!("listed although primed") };
        assert_eq!(snapshots.project_names(unexpected).await.unwrap()[0].name, "Default");
        snapshots.invalidate();
        let listed = snapshots.project_names(|| async { Some(vec![ObjectMeta::named("a"), ObjectMeta::named("b")]) }).await;
        assert_eq!(listed.unwrap().len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_list_is_not_retried_by_every_reader() {
        let snapshot = Snapshot::<u32>::default();
        let lists = AtomicUsize::new(0);
        assert_eq!(snapshot.get(0, || listing(&lists, None)).await, None);
        assert_eq!(snapshot.get(0, || listing(&lists, Some(1))).await, None, "readers go to their own GETs");
        assert_eq!(lists.load(Ordering::SeqCst), 1);
        assert_eq!(snapshot.get(1, || listing(&lists, Some(1))).await.as_deref(), Some(&1), "a new snapshot tries again");
    }
}
