//! A real load balancer for the two-instance test: Debian's nginx, started in a folder of its own
//! as this user (no master process, no privileges dropped, nothing under /var), round-robin over
//! the instances given, passing on the client's address in `X-Forwarded-For` as a health board's
//! proxy would, and naming in `X-Signpost-Instance` the instance that answered each request.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where nginx is: `SIGNPOST_NGINX`, or Debian's `/usr/sbin/nginx` (which `scripts/setup.sh`
/// installs). `None` if neither is there.
pub fn nginx() -> Option<PathBuf> {
    std::env::var_os("SIGNPOST_NGINX")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/sbin/nginx")))
        .filter(|path| path.exists())
}

/// A free port on 127.0.0.1, for something started later (the instances must be told the
/// balancer's origin before it starts).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in front of `instances`, on 127.0.0.1:`port`; stopped when dropped.
pub struct LoadBalancer {
    child: Child,
    pub origin: String,
}

impl LoadBalancer {
    pub fn start(nginx: &Path, dir: &Path, port: u16, instances: &[&str]) -> LoadBalancer {
        let servers: String = instances
            .iter()
            .map(|base| {
                let address = base.trim_start_matches("http://");
                format!("    server {address} max_fails=0;\n")
            })
            .collect();
        let dir_text = dir.display();
        // `master_process off`: one process, as the user running the test, so it needs no
        // `user` directive and writes only in `dir`. Its temporary folders are set to `dir` for
        // the same reason (the defaults are under /var/lib/nginx).
        let config = format!(
            "daemon off;\nmaster_process off;\npid {dir_text}/nginx.pid;\n\
             error_log {dir_text}/error.log warn;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n\
               client_body_temp_path {dir_text}/body;\n  proxy_temp_path {dir_text}/proxy;\n\
               fastcgi_temp_path {dir_text}/fastcgi;\n  uwsgi_temp_path {dir_text}/uwsgi;\n\
               scgi_temp_path {dir_text}/scgi;\n\
               upstream signpost {{\n{servers}  }}\n\
               server {{\n    listen 127.0.0.1:{port};\n\
                 location / {{\n      proxy_pass http://signpost;\n\
                   proxy_set_header Host $http_host;\n\
                   proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
                   add_header X-Signpost-Instance $upstream_addr always;\n    }}\n  }}\n}}\n"
        );
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, config).unwrap();
        let child = Command::new(nginx)
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts");
        let balancer = LoadBalancer {
            child,
            origin: format!("http://127.0.0.1:{port}"),
        };
        balancer.wait_until_listening(port, dir);
        balancer
    }

    fn wait_until_listening(&self, port: u16, dir: &Path) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
                panic!("nginx did not listen on {port}: {log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for LoadBalancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
