//! PostgreSQL backend: a deadpool pool of tokio-postgres connections.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};

use crate::error::StoreError;

type Result<T, E = StoreError> = std::result::Result<T, E>;

pub(crate) struct PgDb {
    pub pool: Pool,
}

pub(crate) fn pool_err(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => crate::db::pg_err(e),
        other => StoreError::Db(format!("postgres pool: {other}")),
    }
}

impl PgDb {
    pub async fn open(url: &str, target: Option<i64>) -> Result<PgDb> {
        let cfg: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("bad PostgreSQL URL: {e}")))?;
        let mgr = Manager::from_config(
            cfg,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(mgr)
            .max_size(16)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(10)))
            .recycle_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(|e| StoreError::Db(format!("postgres pool: {e}")))?;
        let mut client = pool.get().await.map_err(pool_err)?;
        crate::migrate::postgres(&mut client, target).await?;
        drop(client);
        Ok(PgDb { pool })
    }
}
