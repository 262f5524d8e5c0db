// SPDX-License-Identifier: MIT
//
// cancel.rs - the Rust peer of bench/cancel.pipe and bench/cancel_main.c,
// std only: the seed pipeline's shape, run RUNS times in this process,
// measuring the time from the sink's return to the end of the run (every
// thread joined) with the pipeline caught in one of two positions:
//
//   send  (a) gen never stops sending: while the sink settles every
//         channel fills and gen blocks in its send
//   recv  (b) gen sends K values, then waits for input that never comes:
//         while the sink settles every other stage drains its input and
//         blocks in receive
//
// Cancellation is drop-to-cancel: the sink's return drops its receiver,
// each send upstream fails and its stage returns, dropping its own. A
// thread blocked in recv wakes only when every sender is gone, so in (b)
// gen waits on a stop channel whose sender the sink holds (dropped when
// it returns, like Go's ctx.Done()); gen's return then ends each stage's
// input in turn. The W workers share c1's receiver through a Mutex (std's
// Receiver cannot be cloned).
//
// Usage: cancel_rs RUNS K W CAP|unbounded send|recv SETTLE_US
// Prints one key=value line, the keys of cancel_main.c.
use std::sync::mpsc::{channel, sync_channel, Receiver, SendError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

#[derive(Clone)]
enum Tx<T> {
    Bounded(SyncSender<T>),
    Unbounded(Sender<T>),
}

impl<T> Tx<T> {
    fn send(&self, v: T) -> Result<(), SendError<T>> {
        match self {
            Tx::Bounded(s) => s.send(v),
            Tx::Unbounded(s) => s.send(v),
        }
    }
}

fn chan<T>(cap: Option<usize>) -> (Tx<T>, Receiver<T>) {
    match cap {
        Some(n) => {
            let (s, r) = sync_channel(n);
            (Tx::Bounded(s), r)
        }
        None => {
            let (s, r) = channel();
            (Tx::Unbounded(s), r)
        }
    }
}

struct Config {
    k: u64,
    w: usize,
    cap: Option<usize>,
    in_send: bool,
    settle: Duration,
}

/// The time from the sink's return to the last join, and the values
/// generated but never consumed.
fn one_run(c: &Config) -> (Duration, u64) {
    let (tx1, rx1) = chan::<u64>(c.cap);
    let (tx2, rx2) = chan::<u64>(c.cap);
    let (tx3, rx3) = chan::<u64>(c.cap);
    let (stop_tx, stop_rx) = channel::<()>();

    let n = if c.in_send { u64::MAX } else { c.k };
    let gen = thread::spawn(move || {
        let mut sent = 0u64;
        while sent < n {
            if tx1.send(sent).is_err() {
                return sent;
            }
            sent += 1;
        }
        let _ = stop_rx.recv(); // a source waiting on outside input
        sent
    });

    let rx1 = Arc::new(Mutex::new(rx1));
    let mut workers = Vec::with_capacity(c.w);
    for _ in 0..c.w {
        let rx1 = Arc::clone(&rx1);
        let tx2 = tx2.clone();
        workers.push(thread::spawn(move || loop {
            let v = match rx1.lock().unwrap().recv() {
                Ok(v) => v,
                Err(_) => return,
            };
            if tx2.send(v.wrapping_mul(v)).is_err() {
                return;
            }
        }));
    }
    drop(rx1);
    drop(tx2);

    let merge = thread::spawn(move || {
        for v in rx2.iter() {
            if tx3.send(v).is_err() {
                return;
            }
        }
    });

    let (k, settle) = (c.k, c.settle);
    let sink = thread::spawn(move || {
        let _stop = stop_tx; // dropped when the sink returns
        let mut consumed = 0u64;
        while consumed < k && rx3.recv().is_ok() {
            consumed += 1;
        }
        thread::sleep(settle);
        (consumed, Instant::now())
    });

    let (consumed, stop) = sink.join().unwrap();
    merge.join().unwrap();
    for h in workers {
        h.join().unwrap();
    }
    let generated = gen.join().unwrap();
    (stop.elapsed(), generated - consumed)
}

/// The nearest-rank p-th percentile of the sorted v.
fn percentile(v: &[f64], p: usize) -> f64 {
    let rank = (v.len() * p + 99) / 100;
    v[rank.max(1) - 1]
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 7 || (a[5] != "send" && a[5] != "recv") {
        eprintln!("usage: {} RUNS K W CAP|unbounded send|recv SETTLE_US", a[0]);
        std::process::exit(2);
    }
    let runs: usize = a[1].parse().expect("RUNS");
    let c = Config {
        k: a[2].parse().expect("K"),
        w: a[3].parse().expect("W"),
        cap: if a[4] == "unbounded" {
            None
        } else {
            Some(a[4].parse().expect("CAP"))
        },
        in_send: a[5] == "send",
        settle: Duration::from_micros(a[6].parse().expect("SETTLE_US")),
    };
    if runs < 1 || c.k < 1 || c.w < 1 {
        eprintln!("bad arguments");
        std::process::exit(2);
    }

    let mut lat = Vec::with_capacity(runs);
    let mut waste = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (l, w) = one_run(&c);
        lat.push(l.as_secs_f64() * 1e6);
        waste.push(w as f64);
    }
    lat.sort_by(|x, y| x.partial_cmp(y).unwrap());
    waste.sort_by(|x, y| x.partial_cmp(y).unwrap());
    println!(
        "impl=rust position={} runs={} K={} W={} CAP={} settle_us={} cancel_us_p50={:.1} \
         cancel_us_p99={:.1} cancel_us_max={:.1} wasted_p50={:.0} wasted_max={:.0}",
        a[5],
        runs,
        c.k,
        c.w,
        a[4],
        a[6],
        percentile(&lat, 50),
        percentile(&lat, 99),
        lat[runs - 1],
        percentile(&waste, 50),
        waste[runs - 1]
    );
}
