//! The routes of `rights serve`, listed once: the errors for a wrong
//! method or an unknown path are worded from this list.

/// A route of the API: its path and method, and whether it is the
/// playground's. The dispatch in `api::route_request` answers each; this list
/// words the errors (405 for another method, 404 listing them all).
pub struct Route {
    pub path: &'static str,
    pub method: &'static str,
    pub playground: bool,
}

pub const ROUTES: &[Route] = &[
    Route {
        path: "/v1/can",
        method: "POST",
        playground: false,
    },
    Route {
        path: "/v1/batch",
        method: "POST",
        playground: false,
    },
    Route {
        path: "/v1/query",
        method: "POST",
        playground: false,
    },
    Route {
        path: "/v1/policy",
        method: "GET",
        playground: false,
    },
    Route {
        path: "/health",
        method: "GET",
        playground: false,
    },
    Route {
        path: "/metrics",
        method: "GET",
        playground: false,
    },
    Route {
        path: "/",
        method: "GET",
        playground: true,
    },
    Route {
        path: "/v1/files",
        method: "GET",
        playground: true,
    },
    Route {
        path: "/v1/complete",
        method: "POST",
        playground: true,
    },
    Route {
        path: "/v1/scratch",
        method: "POST",
        playground: true,
    },
];

/// "the routes are POST /v1/can, …, and the playground's: GET /, …".
pub fn route_list() -> String {
    let of = |playground: bool| {
        ROUTES
            .iter()
            .filter(|r| r.playground == playground)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "the routes are {}, and the playground's: {}",
        of(false),
        of(true)
    )
}

#[cfg(test)]
mod tests {
    use super::route_list;

    #[test]
    fn the_route_list_names_every_route_once() {
        assert_eq!(
            route_list(),
            "the routes are POST /v1/can, POST /v1/batch, POST /v1/query, GET /v1/policy, GET /health, GET /metrics, and the playground's: GET /, GET /v1/files, POST /v1/complete, POST /v1/scratch"
        );
    }
}
