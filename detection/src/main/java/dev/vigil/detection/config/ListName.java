package dev.vigil.detection.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The data lists of the detection configuration ({@code lists:} in the YAML file), each read by one
 * or a few detectors. The YAML key is the {@link JsonProperty} name.
 */
public enum ListName {
  /** Host paths a hostPath volume must not reach ({@code K8S_SensitiveMount}). */
  @JsonProperty("sensitiveHostPaths")
  SENSITIVE_HOST_PATHS,
  /** Image names of known crypto miners, matched in the repository ({@code K8S_MaliciousContainerImage}). */
  @JsonProperty("minerImages")
  MINER_IMAGES,
  /** Offensive tools, matched against user-agent products and image names. */
  @JsonProperty("offensiveTools")
  OFFENSIVE_TOOLS,
  /** User-agent products of scripting HTTP clients ({@code curl}, {@code python-requests}, ...). */
  @JsonProperty("scriptingClients")
  SCRIPTING_CLIENTS,
  /** Applications that must not sit behind a public load balancer ({@code K8S_ExposedService}). */
  @JsonProperty("sensitiveApps")
  SENSITIVE_APPS,
  /** Names of the Kubernetes dashboard ({@code K8S_ExposedDashboard}). */
  @JsonProperty("dashboardApps")
  DASHBOARD_APPS,
  /** Names and namespaces of Kubeflow's UI ({@code K8S_ExposedKubeflow}). */
  @JsonProperty("kubeflowApps")
  KUBEFLOW_APPS,
  /** Names of Redis ({@code K8S_ExposedRedis}). */
  @JsonProperty("redisApps")
  REDIS_APPS,
  /** Names of PostgreSQL ({@code K8S_ExposedPostgresBroadIPRange}). */
  @JsonProperty("postgresApps")
  POSTGRES_APPS,
  /** Linux capabilities that break container isolation ({@code VIGIL_DangerousCapabilities}). */
  @JsonProperty("dangerousCapabilities")
  DANGEROUS_CAPABILITIES,
  /** The control-plane namespaces ({@code kube-system}, {@code kube-public}). */
  @JsonProperty("systemNamespaces")
  SYSTEM_NAMESPACES,
  /** Users whose impersonation is privileged ({@code VIGIL_ImpersonationPrivileged}). */
  @JsonProperty("privilegedUsers")
  PRIVILEGED_USERS,
  /** Groups whose impersonation is privileged ({@code VIGIL_ImpersonationPrivileged}). */
  @JsonProperty("privilegedGroups")
  PRIVILEGED_GROUPS,
  /** Case-insensitive substrings of credential-like config map keys or values. */
  @JsonProperty("credentialPatterns")
  CREDENTIAL_PATTERNS,
  /** Regular expressions over an exec's decoded command ({@code VIGIL_ExecSuspiciousCommand}). */
  @JsonProperty("suspiciousCommands")
  SUSPICIOUS_COMMANDS,
  /** {@code namespace/name} of the CoreDNS config maps. */
  @JsonProperty("coreDnsConfigMaps")
  CORE_DNS_CONFIG_MAPS,
  /** {@code namespace/name} of the EKS {@code aws-auth} config map. */
  @JsonProperty("awsAuthConfigMaps")
  AWS_AUTH_CONFIG_MAPS,
  /** {@code system:} ClusterRoles that are changed routinely ({@code VIGIL_SystemRoleModified}). */
  @JsonProperty("systemRoleExceptions")
  SYSTEM_ROLE_EXCEPTIONS,
  /** Non-resource paths anyone may read ({@code VIGIL_AnonymousRequestAllowed} ignores them). */
  @JsonProperty("anonymousPublicPaths")
  ANONYMOUS_PUBLIC_PATHS,
  /** Secret types written by housekeeping ({@code VIGIL_SecretModifiedOrDeleted} ignores them). */
  @JsonProperty("ignoredSecretTypes")
  IGNORED_SECRET_TYPES,
  /** Secret name prefixes written by housekeeping (Helm releases, token secrets). */
  @JsonProperty("ignoredSecretNamePrefixes")
  IGNORED_SECRET_NAME_PREFIXES,
  /** Resources whose create and delete {@code VIGIL_ResourceActivity} reports. */
  @JsonProperty("activityResources")
  ACTIVITY_RESOURCES,
  /** {@code verb resource[/subresource]} whose refusal is reported ({@code VIGIL_SensitiveRequestRefused}). */
  @JsonProperty("sensitiveRefusals")
  SENSITIVE_REFUSALS,
  /** Service accounts of cluster-connect proxies, exact or prefix ({@code VIGIL_ClusterConnectSecretAccess}). */
  @JsonProperty("clusterConnectServiceAccounts")
  CLUSTER_CONNECT_SERVICE_ACCOUNTS,
  /** Namespaces a cluster-connect proxy reads by design, besides its account's own. */
  @JsonProperty("clusterConnectNamespaces")
  CLUSTER_CONNECT_NAMESPACES,
  /** Control-plane identities that never call from outside ({@code VIGIL_SystemPrincipalFromPublicIP}). */
  @JsonProperty("systemPrincipals")
  SYSTEM_PRINCIPALS,
  /** The cluster's own networks, CIDRs or addresses ({@code VIGIL_SystemPrincipalFromPublicIP}). */
  @JsonProperty("clusterNetworks")
  CLUSTER_NETWORKS,
  /** Files of cloud provider CIDRs replacing the bundled {@code cloud-ranges.txt}. */
  @JsonProperty("cloudRangeFiles")
  CLOUD_RANGE_FILES;

  /** The YAML key. */
  String key() {
    try {
      return ListName.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
