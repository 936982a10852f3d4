# Hand-written role module (not generated): a k3s server. The cluster-init server is the
# node with `master = true` in vars.nix; the other servers join it at vars.k3s.serverAddr.
{ lib, vars, node, ... }:
{
  imports = [ ./k3s-node.nix ];
  services.k3s = {
    enable = true;
    role = "server";
    clusterInit = node.master;
    serverAddr = lib.mkIf (!node.master) vars.k3s.serverAddr;
    # --flannel-backend, --cluster-cidr and --service-cidr from the model, the same on every server
    # (--node-ip only where the model knows the address: not on a DHCP host without a known lease)
    extraFlags =
      vars.k3s.serverFlags
      ++ [
        "--disable=servicelb" # MetalLB hands out LoadBalancer IPs (vars.metallbPool)
        "--disable=traefik" # dist/ installs the ingress controller the model names, with Flux
      ]
      ++ lib.optional (node.address != null) "--node-ip=${node.address}"
      ++ [
        "--kubelet-arg=allowed-unsafe-sysctls=net.ipv4.ip_forward" # the WireGuard gateway pod
      ];
  };
}
